-- name: InsertProject :one
INSERT INTO projects (unit, description, lab_id) VALUES ($1, $2, $3) RETURNING id;

-- Fails on project_members_enrolment_fkey (not a student of the unit),
-- project_members_one_team_per_unit (in a team already) or project_members_team_max (team full).
-- name: AddMember :exec
INSERT INTO project_members (unit, project_id, student_number) VALUES ($1, $2, $3);

-- name: RemoveMember :execrows
DELETE FROM project_members WHERE unit = $1 AND project_id = $2 AND student_number = $3;

-- name: CountMembers :one
SELECT count(*)::int FROM project_members WHERE unit = $1 AND project_id = $2;

-- name: UpdateProject :execrows
UPDATE projects SET description = $3, lab_id = $4, updated_at = now() WHERE unit = $1 AND id = $2;

-- name: ProjectIDOfStudent :one
SELECT project_id FROM project_members WHERE unit = $1 AND student_number = $2;

-- name: LockProject :one
SELECT lab_id FROM projects WHERE unit = $1 AND id = $2 FOR UPDATE;

-- name: DeleteProject :one
DELETE FROM projects WHERE unit = $1 AND id = $2 RETURNING lab_id;

-- name: GetProjectRows :many
SELECT p.id, p.unit, p.description, l.id AS lab_id, l.room, l.starts_at, l.capacity, l.booked,
       s.student_number, s.name
FROM projects p
JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
JOIN people s ON s.student_number = m.student_number
WHERE p.id = $1
ORDER BY m.position;

-- name: ListProjectRows :many
SELECT p.id, p.unit, p.description, l.id AS lab_id, l.room, l.starts_at, l.capacity, l.booked,
       s.student_number, s.name
FROM projects p
JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
JOIN people s ON s.student_number = m.student_number
WHERE p.unit = $1
ORDER BY l.starts_at, l.room, p.id, m.position;
