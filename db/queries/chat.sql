-- name: InsertChatMessage :one
INSERT INTO chat_messages (room, student_number, body)
VALUES ($1, $2, $3)
RETURNING id, sent_at;

-- name: GetChatMessage :one
SELECT m.id, m.room, m.body, m.sent_at, s.name
FROM chat_messages m JOIN students s ON s.student_number = m.student_number
WHERE m.id = $1;

-- The newest messages of a room, newest first; callers reverse them.
-- name: RecentChatMessages :many
SELECT m.id, m.room, m.body, m.sent_at, s.name
FROM chat_messages m JOIN students s ON s.student_number = m.student_number
WHERE m.room = $1
ORDER BY m.id DESC
LIMIT $2;
