-- name: InsertProject :one
-- @lab_id 0: no slot yet.
INSERT INTO projects (unit, description, lab_id) VALUES (@unit, @description, NULLIF(@lab_id::bigint, 0)) RETURNING id;

-- Fails on project_members_enrolment_fkey (not a student of the unit),
-- project_members_one_team_per_unit (in a team already) or project_members_team_max (team full).
-- name: AddMember :exec
INSERT INTO project_members (unit, project_id, student_number) VALUES ($1, $2, $3);

-- name: RemoveMember :execrows
DELETE FROM project_members WHERE unit = $1 AND project_id = $2 AND student_number = $3;

-- name: CountMembers :one
SELECT count(*)::int FROM project_members WHERE unit = $1 AND project_id = $2;

-- name: UpdateProject :execrows
UPDATE projects SET description = @description, lab_id = NULLIF(@lab_id::bigint, 0), updated_at = now()
WHERE unit = @unit AND id = @id;

-- name: ProjectIDOfStudent :one
SELECT project_id FROM project_members WHERE unit = $1 AND student_number = $2;

-- name: LockProject :one
SELECT coalesce(lab_id, 0)::bigint AS lab_id FROM projects WHERE unit = $1 AND id = $2 FOR UPDATE;

-- name: DeleteProject :one
DELETE FROM projects WHERE unit = $1 AND id = $2 RETURNING coalesce(lab_id, 0)::bigint AS lab_id;

-- name: GetProjectRows :many
SELECT p.id, p.unit, p.description, coalesce(l.id, 0)::bigint AS lab_id, coalesce(l.room, '')::text AS room,
       coalesce(l.starts_at, '0001-01-01 00:00')::timestamp AS starts_at, coalesce(l.capacity, 0)::int AS capacity, coalesce(l.booked, 0)::int AS booked,
       s.student_number, s.name
FROM projects p
LEFT JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
JOIN people s ON s.student_number = m.student_number
WHERE p.id = $1
ORDER BY m.position;

-- name: ListProjectRows :many
SELECT p.id, p.unit, p.description, coalesce(l.id, 0)::bigint AS lab_id, coalesce(l.room, '')::text AS room,
       coalesce(l.starts_at, '0001-01-01 00:00')::timestamp AS starts_at, coalesce(l.capacity, 0)::int AS capacity, coalesce(l.booked, 0)::int AS booked,
       s.student_number, s.name
FROM projects p
LEFT JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
JOIN people s ON s.student_number = m.student_number
WHERE p.unit = $1
ORDER BY l.starts_at, l.room, p.id, m.position;
