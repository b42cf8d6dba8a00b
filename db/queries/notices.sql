-- A notice for a student; nothing when a notice with the same dedupe key exists already.
-- name: InsertNotice :one
INSERT INTO notices (unit, student_number, kind, text, data, created_at, dedupe_key)
VALUES (@unit, @student_number, @kind, @text, @data, @created_at, sqlc.narg('dedupe_key'))
ON CONFLICT (student_number, dedupe_key) DO NOTHING
RETURNING id;

-- The notice's email, when its student has an address.
-- name: QueueNoticeMail :execrows
INSERT INTO mail_outbox (notice_id, to_address, subject, body, created_at, next_attempt_at)
SELECT @notice_id, p.email, @subject, @body, @created_at, @created_at
FROM people p WHERE p.student_number = @student_number AND p.email IS NOT NULL AND p.email <> '';
