-- Ranked-choice booking. A team's ranking is replaced whole: deleted, then inserted.
-- name: DeleteRanking :exec
DELETE FROM rankings WHERE unit = $1 AND project_id = $2;

-- The labs in order: the first is rank 1.
-- name: InsertRanking :exec
INSERT INTO rankings (unit, project_id, rank, lab_id, updated_at)
SELECT @unit, @project_id, o.n::int, o.lab, @updated_at
FROM unnest(@labs::bigint[]) WITH ORDINALITY AS o (lab, n);

-- name: ListRanking :many
SELECT r.rank, r.lab_id, r.updated_at, l.room, l.starts_at
FROM rankings r
JOIN lab_slots l ON l.unit = r.unit AND l.id = r.lab_id
WHERE r.unit = $1 AND r.project_id = $2
ORDER BY r.rank;

-- name: ListUnitRankings :many
SELECT project_id, lab_id, rank FROM rankings WHERE unit = $1 ORDER BY project_id, rank;

-- The teams the allocation books, locked: those without a slot.
-- name: LockUnbookedProjects :many
SELECT p.id, (SELECT count(*) FROM project_members m WHERE m.unit = p.unit AND m.project_id = p.id)::int AS members
FROM projects p
WHERE p.unit = $1 AND p.lab_id IS NULL
ORDER BY p.id
FOR UPDATE OF p;

-- Every slot of the unit, locked, so their free places stand until the allocation commits. A
-- place held for a team from a waitlist is not free.
-- name: LockUnitLabs :many
SELECT id, room, starts_at, capacity, booked, held FROM lab_slots WHERE unit = $1 ORDER BY id FOR UPDATE;

-- name: BookAllocated :execrows
UPDATE projects SET lab_id = @lab_id::bigint, updated_at = now() WHERE unit = @unit AND id = @id AND lab_id IS NULL;

-- name: GetAllocationRun :one
SELECT unit, ran_at, seed, by_number, by_name, automatic, distribution FROM allocation_runs WHERE unit = $1;

-- Fails on allocation_runs_pkey when the unit's allocation ran already.
-- name: InsertAllocationRun :exec
INSERT INTO allocation_runs (unit, ran_at, seed, by_number, by_name, automatic, distribution)
VALUES (@unit, @ran_at, @seed, sqlc.narg('by_number'), @by_name, @automatic, @distribution);

-- @lab_ids 0: no slot; @ranks 0: a slot the team did not rank.
-- name: InsertAllocationResults :exec
INSERT INTO allocation_results (unit, project_id, lab_id, rank)
SELECT @unit, unnest(@pids::bigint[]), NULLIF(unnest(@lab_ids::bigint[]), 0), NULLIF(unnest(@ranks::int[]), 0);

-- name: ListAllocationResults :many
SELECT project_id, coalesce(lab_id, 0)::bigint AS lab_id, coalesce(rank, 0)::int AS rank
FROM allocation_results WHERE unit = $1 ORDER BY project_id;

-- name: GetAllocationResult :one
SELECT coalesce(lab_id, 0)::bigint AS lab_id, coalesce(rank, 0)::int AS rank
FROM allocation_results WHERE unit = $1 AND project_id = $2;

-- The ranked units whose sign-up has closed and whose allocation has not run.
-- name: DueAllocations :many
SELECT u.code FROM units u
WHERE u.booking = 'ranked' AND u.closes_at <= @now::timestamptz AND u.archived_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM allocation_runs a WHERE a.unit = u.code)
ORDER BY u.code;
