-- Roster changes (imports, enrolments, PIN resets) take turns on this lock, so each plans on what
-- the one before it committed; people are shared by every unit, so the lock is too.
-- name: LockRosters :exec
SELECT pg_advisory_xact_lock(hashtext('pairup.rosters'));

-- The unit's people with their role and team (and their place in it), by student number.
-- name: RosterMembers :many
SELECT p.student_number, p.name, p.email, e.role, m.project_id, m.position
FROM enrolments e
JOIN people p ON p.student_number = e.student_number
LEFT JOIN project_members m ON m.unit = e.unit AND m.student_number = e.student_number
WHERE e.unit = @unit
ORDER BY p.student_number;

-- name: PeopleAmong :many
SELECT student_number, name, email, site_admin
FROM people
WHERE student_number = ANY(@numbers::text[]);

-- Of the people, those whose name, PIN and e-mail only site admins may change when @actor (a
-- coordinator of @unit) asks: site admins, and people enrolled in a unit @actor does not
-- coordinate.
-- name: PeopleBeyondCoordinator :many
SELECT p.student_number
FROM people p
WHERE p.student_number = ANY(@numbers::text[])
  AND (p.site_admin OR EXISTS (
      SELECT 1 FROM enrolments e
      WHERE e.student_number = p.student_number AND e.unit <> @unit::text
        AND NOT EXISTS (
            SELECT 1 FROM enrolments c
            WHERE c.unit = e.unit AND c.student_number = @actor::text AND c.role = 'coordinator')));

-- name: InsertPerson :execrows
INSERT INTO people (student_number, name, pin_hash, email)
VALUES (@student_number, @name, @pin_hash, sqlc.narg(email))
ON CONFLICT (student_number) DO NOTHING;

-- Sets the name and PIN hash when given, and the e-mail address when @set_email.
-- name: UpdatePerson :execrows
UPDATE people
SET name = coalesce(sqlc.narg(name)::text, name),
    pin_hash = coalesce(sqlc.narg(pin_hash)::text, pin_hash),
    email = CASE WHEN @set_email::boolean THEN sqlc.narg(email)::text ELSE email END
WHERE student_number = @student_number;

-- Fails on project_members_enrolment_fkey when the person is in a team of the unit.
-- name: Unenrol :execrows
DELETE FROM enrolments WHERE unit = @unit AND student_number = @student_number;
