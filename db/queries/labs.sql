-- name: ListAvailableLabs :many
SELECT id, room, starts_at, capacity
FROM lab_slots
WHERE booked < capacity
ORDER BY starts_at, room, id;

-- name: UpsertLab :exec
INSERT INTO lab_slots (room, starts_at, capacity)
VALUES ($1, $2, $3)
ON CONFLICT (room, starts_at) DO UPDATE SET capacity = excluded.capacity;
