-- The partner board (00009). Fails on board_entries_not_member (the student is in a team) or
-- board_entries_enrolment_fkey (not enrolled).
-- name: UpsertBoardEntry :one
INSERT INTO board_entries (unit, student_number, note, tags, times, updated_at)
VALUES (@unit, @student_number, @note, @tags::text[], @times::text[], @updated_at)
ON CONFLICT (unit, student_number) DO UPDATE
SET note = excluded.note, tags = excluded.tags, times = excluded.times, updated_at = excluded.updated_at
RETURNING updated_at;

-- name: DeleteBoardEntry :execrows
DELETE FROM board_entries WHERE unit = $1 AND student_number = $2;

-- Students only: an entry of a student who became a coordinator is deleted by a trigger, and
-- this join keeps the list right meanwhile.
-- name: ListBoardEntries :many
SELECT b.student_number, p.name, b.note, b.tags, b.times, b.updated_at
FROM board_entries b
JOIN enrolments e ON e.unit = b.unit AND e.student_number = b.student_number AND e.role = 'student'
JOIN people p ON p.student_number = b.student_number
WHERE b.unit = $1
ORDER BY b.updated_at DESC, b.student_number;

-- The unit's session times still ahead: the distinct wall-clock starts of its slots.
-- name: UpcomingSessionTimes :many
SELECT DISTINCT to_char(l.starts_at, 'YYYY-MM-DD"T"HH24:MI')::text AS starts
FROM lab_slots l JOIN units u ON u.code = l.unit
WHERE l.unit = @unit AND (l.starts_at AT TIME ZONE u.timezone) > @after::timestamptz
ORDER BY starts;

-- Everyone "match the rest" groups: the unit's students in no team, with their board entry if
-- they have one.
-- name: UnteamedStudents :many
SELECT p.student_number, p.name, (b.student_number IS NOT NULL)::boolean AS on_board,
       coalesce(b.tags, '{}')::text[] AS tags, coalesce(b.times, '{}')::text[] AS times
FROM enrolments e
JOIN people p ON p.student_number = e.student_number
LEFT JOIN board_entries b ON b.unit = e.unit AND b.student_number = e.student_number
WHERE e.unit = $1 AND e.role = 'student'
  AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.unit = e.unit AND m.student_number = e.student_number)
ORDER BY p.student_number;
