-- Events are sent with NOTIFY inside the transaction that makes the change, so every instance
-- hears of a change exactly when (and only if) it commits.
-- name: Notify :exec
SELECT pg_notify('pairup_events', @payload::text);

-- name: LabAvailability :many
SELECT id, unit, room, starts_at, capacity, (booked + held)::int AS booked, booked + held < capacity AS available
FROM lab_slots
WHERE id = ANY(@ids::bigint[])
ORDER BY starts_at, room, id;

-- name: RevokedAmong :many
SELECT token_id FROM revoked_tokens WHERE token_id = ANY(@ids::uuid[]);
