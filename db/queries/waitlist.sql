-- Waitlists with holds (00010). Every change of a slot's line or holds runs under the slot's row
-- lock (LockLabForQueue), so offers, acceptances and lapses of one slot take turns.

-- name: LockLabForQueue :one
SELECT id, unit, room, starts_at, capacity, booked, held, forced
FROM lab_slots WHERE unit = $1 AND id = $2 FOR UPDATE;

-- 0 rows when the team is in that slot's line already.
-- name: QueueTeam :one
INSERT INTO lab_queue (unit, lab_id, project_id, queued_at) VALUES (@unit, @lab_id, @project_id, @queued_at)
ON CONFLICT (lab_id, project_id) DO NOTHING
RETURNING id;

-- name: LeaveQueue :execrows
DELETE FROM lab_queue WHERE unit = @unit AND lab_id = @lab_id AND project_id = @project_id;

-- The unit's queue entries (@project_id 0: every team's) with their place in line, in slot order.
-- name: ListQueue :many
SELECT q.lab_id, q.project_id, q.queued_at, l.room, l.starts_at, l.capacity,
       (SELECT count(*) FROM lab_queue o WHERE o.lab_id = q.lab_id AND o.id <= q.id)::int AS position
FROM lab_queue q JOIN lab_slots l ON l.unit = q.unit AND l.id = q.lab_id
WHERE q.unit = @unit AND (@project_id::bigint = 0 OR q.project_id = @project_id)
ORDER BY l.starts_at, l.room, q.lab_id, q.id;

-- The unit's holds (@project_id 0: every team's), soonest to lapse first.
-- name: ListHolds :many
SELECT h.id, h.lab_id, h.project_id, h.offered_at, h.expires_at, l.room, l.starts_at, l.capacity
FROM holds h JOIN lab_slots l ON l.unit = h.unit AND l.id = h.lab_id
WHERE h.unit = @unit AND (@project_id::bigint = 0 OR h.project_id = @project_id)
ORDER BY h.expires_at, h.id;

-- name: GetHold :one
SELECT id, unit, lab_id, project_id, offered_at, expires_at FROM holds WHERE unit = $1 AND id = $2;

-- Takes the hold out while it is live (an acceptance); 0 rows once it has lapsed or gone.
-- name: ClaimLiveHold :one
DELETE FROM holds WHERE unit = @unit AND id = @id AND expires_at > @now
RETURNING id, unit, lab_id, project_id, offered_at, expires_at;

-- Takes the hold out once it has lapsed (the sweeper); 0 rows while live or once gone.
-- name: ClaimLapsedHold :one
DELETE FROM holds WHERE unit = @unit AND id = @id AND expires_at <= @now
RETURNING id, unit, lab_id, project_id, offered_at, expires_at;

-- Takes the hold out, live or lapsed (a decline); 0 rows once gone.
-- name: ClaimHold :one
DELETE FROM holds WHERE unit = @unit AND id = @id
RETURNING id, unit, lab_id, project_id, offered_at, expires_at;

-- A released hold gives back the forced places the slot no longer needs (as a booking leaving does).
-- name: TrimForced :exec
UPDATE lab_slots SET forced = GREATEST(0, LEAST(forced, booked + held - capacity)) WHERE unit = $1 AND id = $2;

-- A team booked in the slot meanwhile (moved there) leaves its line.
-- name: DropBookedFromQueue :exec
DELETE FROM lab_queue q USING projects p
WHERE q.unit = @unit AND q.lab_id = @lab_id AND p.unit = q.unit AND p.id = q.project_id AND p.lab_id = q.lab_id;

-- The first teams in the slot's line that hold no place (anywhere) now.
-- name: NextInLine :many
SELECT q.id, q.project_id FROM lab_queue q
WHERE q.unit = @unit AND q.lab_id = @lab_id
  AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.project_id = q.project_id)
ORDER BY q.id
LIMIT @n;

-- 0 rows when the team holds a place already (offered elsewhere meanwhile).
-- name: OfferHold :one
INSERT INTO holds (unit, lab_id, project_id, offered_at, expires_at)
VALUES (@unit, @lab_id, @project_id, @offered_at, @expires_at)
ON CONFLICT (project_id) DO NOTHING
RETURNING id;

-- name: DeleteQueueEntry :exec
DELETE FROM lab_queue WHERE id = $1;

-- Holds that have lapsed, oldest first.
-- name: DueHolds :many
SELECT id, unit, lab_id FROM holds WHERE expires_at <= @now ORDER BY expires_at, id LIMIT @n;

-- Slots with a free place and a line that could offer it now: a place freed without an offer (a
-- change no use case made, such as an import raising a capacity, or a hold gone with its team).
-- Only first-come units open at @now, and slots that start after their guard time.
-- name: LabsToPromote :many
SELECT l.unit, l.id FROM lab_slots l JOIN units u ON u.code = l.unit
WHERE l.booked + l.held < l.capacity AND EXISTS (SELECT 1 FROM lab_queue q WHERE q.lab_id = l.id)
  AND (@unit::text = '' OR l.unit = @unit)
  AND u.archived_at IS NULL AND u.booking = 'first_come'
  AND (u.opens_at IS NULL OR u.opens_at <= @now::timestamptz) AND (u.closes_at IS NULL OR u.closes_at > @now::timestamptz)
  AND (l.starts_at AT TIME ZONE u.timezone) - (u.guard_minutes * interval '1 minute') > @now::timestamptz
ORDER BY l.unit, l.id
LIMIT @n;

-- The unit's slots that are full (held places count) and start after @after, in time order: the
-- ones a team may queue for.
-- name: ListFullLabs :many
SELECT l.id, l.unit, l.room, l.starts_at, l.capacity, (l.booked + l.held)::int AS booked
FROM lab_slots l JOIN units u ON u.code = l.unit
WHERE l.unit = @unit AND l.booked + l.held >= l.capacity AND (l.starts_at AT TIME ZONE u.timezone) > @after::timestamptz
ORDER BY l.starts_at, l.room, l.id;
