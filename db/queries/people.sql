-- name: GetPerson :one
SELECT student_number, name, site_admin, tokens_valid_from FROM people WHERE student_number = $1;

-- name: RefuseEarlierTokens :exec
UPDATE people SET tokens_valid_from = @at WHERE student_number = @student_number;

-- name: GetPINHash :one
SELECT pin_hash FROM people WHERE student_number = $1;

-- name: UpsertPerson :exec
INSERT INTO people (student_number, name, pin_hash)
VALUES ($1, $2, $3)
ON CONFLICT (student_number) DO UPDATE
SET name = excluded.name, pin_hash = excluded.pin_hash;

-- name: SetSiteAdmin :execrows
UPDATE people SET site_admin = $2 WHERE student_number = $1;

-- A change of role fails on project_members_enrolment_fkey when the student is in a team.
-- name: Enrol :exec
INSERT INTO enrolments (unit, student_number, role)
VALUES ($1, $2, $3)
ON CONFLICT (unit, student_number) DO UPDATE SET role = excluded.role
WHERE enrolments.role <> excluded.role;

-- name: GetEnrolment :one
SELECT p.student_number, p.name, e.role
FROM enrolments e JOIN people p ON p.student_number = e.student_number
WHERE e.unit = $1 AND e.student_number = $2;

-- name: EnrolmentsOfPerson :many
SELECT u.code, u.title, e.role
FROM enrolments e JOIN units u ON u.code = e.unit
WHERE e.student_number = $1
ORDER BY u.code;

-- name: EnrolmentsAmong :many
SELECT unit, student_number FROM enrolments WHERE student_number = ANY(@numbers::text[]);
