-- Takes one place beyond the slot's capacity, when (and only when) the slot is full; 0 rows
-- when it still has room. The slot's row stays locked until the transaction ends.
-- name: ForcePlace :execrows
UPDATE lab_slots SET forced = forced + 1
WHERE unit = $1 AND id = $2 AND booked + held >= capacity + forced; -- held places (00010) are taken

-- name: OverviewStudents :many
SELECT p.student_number, p.name, (m.project_id IS NOT NULL)::boolean AS in_team
FROM enrolments e
JOIN people p ON p.student_number = e.student_number
LEFT JOIN project_members m ON m.unit = e.unit AND m.student_number = e.student_number
WHERE e.unit = $1 AND e.role = 'student'
ORDER BY p.name, p.student_number;

-- name: TeamSizes :many
SELECT project_id, count(*)::int AS size FROM project_members WHERE unit = $1 GROUP BY project_id;

-- Newest first, filtered by student, team and action when given; @before = 0 starts at the newest.
-- name: ListAuditFiltered :many
SELECT id, unit, at, actor, actor_name, action, pid, lab_id, student, details, reason
FROM audit_log
WHERE unit = @unit
  AND (@before::bigint = 0 OR id < @before::bigint)
  AND (sqlc.narg(student)::text IS NULL OR student = sqlc.narg(student)::text)
  AND (sqlc.narg(pid)::bigint IS NULL OR pid = sqlc.narg(pid)::bigint)
  AND (sqlc.narg(action)::text IS NULL OR action = sqlc.narg(action)::text)
ORDER BY id DESC
LIMIT @lim;

-- name: ListRoster :many
SELECT p.student_number, p.name, e.role, p.email, m.project_id
FROM enrolments e
JOIN people p ON p.student_number = e.student_number
LEFT JOIN project_members m ON m.unit = e.unit AND m.student_number = e.student_number
WHERE e.unit = $1
ORDER BY (e.role = 'coordinator') DESC, p.name, p.student_number;
