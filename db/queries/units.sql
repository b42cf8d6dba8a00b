-- name: GetUnit :one
SELECT *
FROM units WHERE code = $1;

-- The unit's policy, share-locked for the transaction: a policy change waits until it ends.
-- name: GetUnitForShare :one
SELECT *
FROM units WHERE code = $1 FOR SHARE;

-- name: GetUnitForUpdate :one
SELECT *
FROM units WHERE code = $1 FOR UPDATE;

-- name: DefaultUnitCode :one
SELECT code FROM units WHERE is_default;

-- name: ListUnits :many
SELECT *
FROM units ORDER BY code;

-- name: ListUnitsOfPerson :many
SELECT sqlc.embed(u)
FROM units u JOIN enrolments e ON e.unit = u.code
WHERE e.student_number = $1
ORDER BY u.code;

-- name: InsertUnit :execrows
INSERT INTO units (code, title, timezone, team_min, team_max, opens_at, closes_at, guard_minutes,
    consent, invite_hours, booking, hold_minutes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (code) DO NOTHING;

-- name: UpdateUnit :exec
UPDATE units SET title = $2, timezone = $3, team_min = $4, team_max = $5, opens_at = $6,
    closes_at = $7, guard_minutes = $8, consent = $9, invite_hours = $10, booking = $11, hold_minutes = $12
WHERE code = $1;

-- name: ClearDefaultUnit :exec
UPDATE units SET is_default = false WHERE is_default;

-- name: SetDefaultUnit :execrows
UPDATE units SET is_default = true WHERE code = $1;

-- The size of the unit's largest team (0 when it has none).
-- name: LargestTeam :one
SELECT coalesce(max(n), 0)::int AS size
FROM (SELECT count(*) AS n FROM project_members WHERE unit = $1 GROUP BY project_id) t;

-- name: ArchiveUnit :execrows
UPDATE units SET archived_at = @at WHERE code = @code AND archived_at IS NULL;

-- name: DeleteUnit :execrows
DELETE FROM units WHERE code = $1;

-- People enrolled in no unit any more (after a unit was deleted).
-- name: DeleteUnenrolledPeople :execrows
DELETE FROM people p
WHERE p.student_number = ANY(@numbers::text[])
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_number = p.student_number)
  AND NOT p.site_admin;

-- name: EnrolledNumbers :many
SELECT student_number FROM enrolments WHERE unit = $1;

-- Teams go first: their members reference the enrolments the unit's deletion cascades to.
-- name: DeleteUnitProjects :exec
DELETE FROM projects WHERE unit = $1;
