-- The unit's slots with room left (a place held from a waitlist is taken) that start after
-- @after (an instant; slot times are wall-clock times in the unit's zone).
-- name: ListBookableLabs :many
SELECT l.id, l.unit, l.room, l.starts_at, l.capacity, (l.booked + l.held)::int AS booked
FROM lab_slots l JOIN units u ON u.code = l.unit
WHERE l.unit = @unit AND l.booked + l.held < l.capacity AND (l.starts_at AT TIME ZONE u.timezone) > @after::timestamptz
ORDER BY l.starts_at, l.room, l.id;

-- name: GetLab :one
SELECT id, unit, room, starts_at, capacity, booked, forced FROM lab_slots WHERE unit = $1 AND id = $2;

-- name: UpsertLab :exec
INSERT INTO lab_slots (unit, room, starts_at, capacity)
VALUES ($1, $2, $3, $4)
ON CONFLICT (unit, room, starts_at) DO UPDATE SET capacity = excluded.capacity;

-- name: ListLabs :many
SELECT id, unit, room, starts_at, capacity, booked, forced FROM lab_slots WHERE unit = $1 ORDER BY starts_at, room, id;
