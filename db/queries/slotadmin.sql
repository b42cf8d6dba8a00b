-- One row per member of every team booked in the unit's slots (@lab_id 0: every slot), and one
-- row with null team columns for a slot without teams; in time order, teams by id, members in
-- the order they joined.
-- name: ListSlotsWithTeams :many
SELECT l.id, l.unit, l.room, l.starts_at, l.capacity, l.booked, l.forced,
       p.id AS pid, s.name
FROM lab_slots l
LEFT JOIN projects p ON p.unit = l.unit AND p.lab_id = l.id
LEFT JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
LEFT JOIN people s ON s.student_number = m.student_number
WHERE l.unit = @unit AND (@lab_id::bigint = 0 OR l.id = @lab_id::bigint)
ORDER BY l.starts_at, l.room, l.id, p.id, m.position;

-- The slot, locked until the transaction ends: bookings of it (which update its booked count)
-- wait, and so does a booking's reference check, so nothing books it while it is changed.
-- name: LockSlot :one
SELECT id, unit, room, starts_at, capacity, booked, forced
FROM lab_slots WHERE unit = $1 AND id = $2 FOR UPDATE;

-- Fails on lab_slots_room_starts_at_key when the room has a slot at that time.
-- name: InsertSlot :one
INSERT INTO lab_slots (unit, room, starts_at, capacity) VALUES ($1, $2, $3, $4) RETURNING id;

-- Adds the slots (room[i] at starts_at[i]) that do not exist yet; returns how many it added.
-- name: InsertMissingSlots :execrows
INSERT INTO lab_slots (unit, room, starts_at, capacity)
SELECT @unit::text, unnest(@rooms::text[]), unnest(@starts_at::timestamp[]), @capacity::integer
ON CONFLICT (unit, room, starts_at) DO NOTHING;

-- A capacity that grows takes in the forced places it now covers; one below the bookings fails
-- on lab_slots_booked_within_capacity, a room and time taken on lab_slots_room_starts_at_key.
-- name: UpdateSlot :exec
UPDATE lab_slots
SET room = @room, starts_at = @starts_at, capacity = @capacity::integer,
    forced = GREATEST(0, LEAST(forced, booked + held - @capacity::integer)) -- held places: 00010
WHERE unit = @unit AND id = @id;

-- Fails on projects_lab_fkey while a team is booked in it.
-- name: DeleteSlot :execrows
DELETE FROM lab_slots WHERE unit = $1 AND id = $2;

-- One row per member of every team of the unit, with the e-mail address, in slot time order.
-- name: ListTeamExportRows :many
SELECT p.id AS pid, p.description, coalesce(l.id, 0)::bigint AS lab_id, coalesce(l.room, '')::text AS room,
       coalesce(l.starts_at, '0001-01-01 00:00')::timestamp AS starts_at,
       s.student_number, s.name, s.email
FROM projects p
LEFT JOIN lab_slots l ON l.unit = p.unit AND l.id = p.lab_id
JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
JOIN people s ON s.student_number = m.student_number
WHERE p.unit = $1
ORDER BY l.starts_at, l.room, p.id, m.position;
