-- +goose Up
-- Admins coordinate; they are never in a team. AddMember already refuses to put an admin in a
-- project; this refuses the other way round: a roster import promoting a team member.
-- +goose StatementBegin
CREATE FUNCTION students_admin_not_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role = 'admin' AND EXISTS (SELECT 1 FROM project_members WHERE student_number = NEW.student_number) THEN
        RAISE EXCEPTION 'student % is in a team and cannot become an admin', NEW.student_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'students_admin_not_member';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER students_admin_not_member
    BEFORE UPDATE OF role ON students
    FOR EACH ROW EXECUTE FUNCTION students_admin_not_member();

-- +goose Down
DROP TRIGGER students_admin_not_member ON students;
DROP FUNCTION students_admin_not_member;
