-- name: GetJoinCode :one
SELECT join_code FROM projects WHERE unit = $1 AND id = $2;

-- name: RenewJoinCode :one
UPDATE projects SET join_code = DEFAULT WHERE unit = $1 AND id = $2 RETURNING join_code;

-- The team with that code, locked: a code renewed meanwhile finds no team.
-- name: LockProjectByCode :one
SELECT id FROM projects WHERE unit = $1 AND join_code = $2 FOR UPDATE;
