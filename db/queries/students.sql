-- name: GetStudent :one
SELECT student_number, name, role FROM students WHERE student_number = $1;

-- name: GetPINHash :one
SELECT pin_hash FROM students WHERE student_number = $1;

-- name: UpsertStudent :exec
INSERT INTO students (student_number, name, pin_hash, role)
VALUES ($1, $2, $3, $4)
ON CONFLICT (student_number) DO UPDATE
SET name = excluded.name, pin_hash = excluded.pin_hash, role = excluded.role;
