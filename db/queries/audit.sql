-- name: InsertAudit :exec
INSERT INTO audit_log (unit, at, actor, actor_name, action, pid, lab_id, student, details, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- Newest first; @before = 0 starts at the newest.
-- name: ListAudit :many
SELECT id, unit, at, actor, actor_name, action, pid, lab_id, student, details, reason
FROM audit_log
WHERE unit = @unit AND (@before::bigint = 0 OR id < @before::bigint)
ORDER BY id DESC
LIMIT @lim;
