-- name: InsertChatMessage :one
INSERT INTO chat_messages (unit, room, student_number, body)
VALUES ($1, $2, $3, $4)
RETURNING id, sent_at;

-- name: GetChatMessage :one
SELECT m.id, m.unit, m.room, m.body, m.sent_at, s.name
FROM chat_messages m JOIN people s ON s.student_number = m.student_number
WHERE m.id = $1;

-- The newest messages of a room, newest first; callers reverse them.
-- name: RecentChatMessages :many
SELECT m.id, m.unit, m.room, m.body, m.sent_at, s.name
FROM chat_messages m JOIN people s ON s.student_number = m.student_number
WHERE m.unit = $1 AND m.room = $2
ORDER BY m.id DESC
LIMIT $3;
