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

-- One notice, with whether its unit is archived (an archived unit pushes nothing).
-- name: GetNotice :one
SELECT n.id, n.unit, n.student_number, n.kind, n.text, n.data, n.created_at, n.read_at,
       (u.archived_at IS NOT NULL)::boolean AS archived
FROM notices n JOIN units u ON u.code = n.unit
WHERE n.id = @id;

-- A person's notices in a unit older than @before (0: the newest), newest first.
-- name: ListNotices :many
SELECT id, unit, student_number, kind, text, data, created_at, read_at
FROM notices
WHERE unit = @unit AND student_number = @student_number AND (@before::bigint = 0 OR id < @before::bigint)
ORDER BY id DESC
LIMIT @lim;

-- name: CountUnreadNotices :one
SELECT count(*)::integer FROM notices
WHERE unit = @unit AND student_number = @student_number AND read_at IS NULL;

-- Marks a person's unread notices in a unit up to an id read; those read already keep their time.
-- name: MarkNoticesRead :execrows
UPDATE notices SET read_at = @read_at
WHERE unit = @unit AND student_number = @student_number AND id <= @up_to AND read_at IS NULL;

-- The members of every team of a live unit whose slot starts in (@after, @until] (instants; slot
-- times are wall-clock times in the unit's zone), for the day-before reminder.
-- name: ListDueReminders :many
SELECT u.code AS unit, p.id AS pid, l.id AS lab_id, l.room, l.starts_at, m.student_number
FROM projects p
JOIN units u ON u.code = p.unit
JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.project_id = p.id
WHERE u.archived_at IS NULL
  AND (l.starts_at AT TIME ZONE u.timezone) > @after::timestamptz
  AND (l.starts_at AT TIME ZONE u.timezone) <= @until::timestamptz
ORDER BY u.code, p.id, m.student_number;

-- Claims up to @lim mails due at @now; the row locks (SKIP LOCKED) keep two instances from
-- sending one mail twice. Held until the claiming transaction ends.
-- name: ClaimDueMail :many
SELECT id, to_address, subject, body, attempts
FROM mail_outbox
WHERE sent_at IS NULL AND next_attempt_at <= @now
ORDER BY next_attempt_at, id
LIMIT @lim
FOR UPDATE SKIP LOCKED;

-- name: MarkMailSent :exec
UPDATE mail_outbox SET sent_at = @sent_at, attempts = attempts + 1, last_error = NULL WHERE id = @id;

-- name: MarkMailFailed :exec
UPDATE mail_outbox SET attempts = attempts + 1, last_error = @last_error, next_attempt_at = @next_attempt_at WHERE id = @id;

-- The outbox row of a notice, for tests and operators.
-- name: MailOfNotice :many
SELECT id, notice_id, to_address, subject, body, attempts, next_attempt_at, last_error, sent_at
FROM mail_outbox WHERE notice_id = @notice_id ORDER BY id;

