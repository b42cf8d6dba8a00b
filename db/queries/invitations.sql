-- Fails on invitations_one_pending (the team has invited them already) or
-- invitations_student_fkey (not a student of the unit).
-- name: InsertInvitation :one
INSERT INTO invitations (unit, project_id, from_student, student_number, created_at, expires_at)
VALUES (@unit, @project_id, @from_student, @student_number, @created_at, @expires_at)
RETURNING id;

-- name: GetInvitationRow :one
SELECT i.id, i.unit, coalesce(i.project_id, 0)::bigint AS project_id, i.from_student, f.name AS from_name,
       i.student_number, s.name AS student_name, i.status, i.created_at, i.expires_at, i.resolved_at,
       coalesce((SELECT string_agg(p.name, ' & ' ORDER BY m.position) FROM project_members m
                 JOIN people p ON p.student_number = m.student_number
                 WHERE m.unit = i.unit AND m.project_id = i.project_id), '')::text AS team
FROM invitations i
JOIN people f ON f.student_number = i.from_student
JOIN people s ON s.student_number = i.student_number
WHERE i.unit = @unit AND i.id = @id;

-- name: LockInvitation :one
SELECT coalesce(project_id, 0)::bigint AS project_id, student_number, status, expires_at
FROM invitations WHERE unit = @unit AND id = @id FOR UPDATE;

-- name: ResolveInvitation :exec
UPDATE invitations SET status = @status, resolved_at = @resolved_at
WHERE unit = @unit AND id = @id AND status = 'pending';

-- The student's pending invitations lapse (they joined a team); the ones that lapsed.
-- name: LapseStudentInvitations :many
UPDATE invitations SET status = 'lapsed', resolved_at = @resolved_at
WHERE unit = @unit AND student_number = @student_number AND status = 'pending'
RETURNING id, coalesce(project_id, 0)::bigint AS project_id, expires_at;

-- The team's pending invitations lapse (it dissolves); the ones that lapsed.
-- name: LapseTeamInvitations :many
UPDATE invitations SET status = 'lapsed', resolved_at = @resolved_at
WHERE unit = @unit AND project_id = @project_id AND status = 'pending'
RETURNING id, student_number, expires_at;

-- An expired invitation of the team to the student is lapsed, so a new one may be sent.
-- name: LapseExpiredInvitation :exec
UPDATE invitations SET status = 'lapsed', resolved_at = expires_at
WHERE unit = @unit AND project_id = @project_id AND student_number = @student_number
  AND status = 'pending' AND expires_at <= @now;

-- Invitations to the student or from the team, pending or resolved after @since.
-- name: ListInvitationRows :many
SELECT i.id, i.unit, coalesce(i.project_id, 0)::bigint AS project_id, i.from_student, f.name AS from_name,
       i.student_number, s.name AS student_name, i.status, i.created_at, i.expires_at, i.resolved_at,
       coalesce((SELECT string_agg(p.name, ' & ' ORDER BY m.position) FROM project_members m
                 JOIN people p ON p.student_number = m.student_number
                 WHERE m.unit = i.unit AND m.project_id = i.project_id), '')::text AS team
FROM invitations i
JOIN people f ON f.student_number = i.from_student
JOIN people s ON s.student_number = i.student_number
WHERE i.unit = @unit
  AND (i.student_number = @student_number OR i.project_id = @project_id)
  AND coalesce(i.resolved_at, i.expires_at) > @since
ORDER BY i.id DESC;

-- Every pending, unexpired invitation of the unit.
-- name: ListPendingInvitationRows :many
SELECT i.id, i.unit, coalesce(i.project_id, 0)::bigint AS project_id, i.from_student, f.name AS from_name,
       i.student_number, s.name AS student_name, i.status, i.created_at, i.expires_at, i.resolved_at,
       coalesce((SELECT string_agg(p.name, ' & ' ORDER BY m.position) FROM project_members m
                 JOIN people p ON p.student_number = m.student_number
                 WHERE m.unit = i.unit AND m.project_id = i.project_id), '')::text AS team
FROM invitations i
JOIN people f ON f.student_number = i.from_student
JOIN people s ON s.student_number = i.student_number
WHERE i.unit = @unit AND i.status = 'pending' AND i.expires_at > @now
ORDER BY i.id DESC;

-- The student's enrolment, locked: invitations to them are sent and accepted one at a time.
-- name: LockEnrolment :one
SELECT role FROM enrolments WHERE unit = @unit AND student_number = @student_number FOR UPDATE;
