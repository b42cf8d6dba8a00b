-- name: InsertAudit :exec
INSERT INTO audit_log (unit, at, actor, actor_name, action, pid, lab_id, student, details, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
