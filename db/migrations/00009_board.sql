-- +goose Up
-- The partner board: a student of a unit without a team posts "looking for a team" with a
-- note, a few tags and the session times (slot starts, "YYYY-MM-DDTHH:MM" in the unit's zone)
-- that suit them. The domain normalizes each field; the CHECKs keep their shape.
CREATE TABLE board_entries (
    unit           text NOT NULL,
    student_number text NOT NULL,
    note           text NOT NULL CHECK (length(note) <= 280),
    tags           text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 5),
    times          text[] NOT NULL DEFAULT '{}' CHECK (cardinality(times) <= 10),
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (unit, student_number),
    CONSTRAINT board_entries_enrolment_fkey FOREIGN KEY (unit, student_number)
        REFERENCES enrolments (unit, student_number) ON DELETE CASCADE
);
CREATE INDEX board_entries_newest ON board_entries (unit, updated_at DESC);

-- "An entry disappears when its student joins a team", as a database rule both ways, under the
-- student's enrolment row: a post locks it (FOR NO KEY UPDATE) and refuses a member; a join
-- share-locks it and deletes the entry. Whichever commits first, the other waits for it and
-- then sees its row (each statement of a trigger takes a fresh snapshot), so a join racing a
-- post never leaves an entry of a member.
-- +goose StatementBegin
CREATE FUNCTION board_entries_not_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM enrolments WHERE unit = NEW.unit AND student_number = NEW.student_number FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM project_members WHERE unit = NEW.unit AND student_number = NEW.student_number) THEN
        RAISE EXCEPTION 'student % is in a team of unit %', NEW.student_number, NEW.unit
            USING ERRCODE = 'check_violation', CONSTRAINT = 'board_entries_not_member';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER board_entries_not_member
    BEFORE INSERT OR UPDATE ON board_entries
    FOR EACH ROW EXECUTE FUNCTION board_entries_not_member();

-- +goose StatementBegin
CREATE FUNCTION project_members_leave_board() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM enrolments WHERE unit = NEW.unit AND student_number = NEW.student_number FOR SHARE;
    DELETE FROM board_entries WHERE unit = NEW.unit AND student_number = NEW.student_number;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER project_members_leave_board
    AFTER INSERT OR UPDATE OF unit, student_number ON project_members
    FOR EACH ROW EXECUTE FUNCTION project_members_leave_board();

-- Only students are on the board: a student who becomes a coordinator leaves it.
-- +goose StatementBegin
CREATE FUNCTION enrolments_leave_board() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM board_entries WHERE unit = NEW.unit AND student_number = NEW.student_number;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER enrolments_leave_board
    AFTER UPDATE OF role ON enrolments
    FOR EACH ROW WHEN (NEW.role <> 'student')
    EXECUTE FUNCTION enrolments_leave_board();

-- +goose Down
DROP TRIGGER enrolments_leave_board ON enrolments;
DROP FUNCTION enrolments_leave_board;
DROP TRIGGER project_members_leave_board ON project_members;
DROP FUNCTION project_members_leave_board;
DROP TABLE board_entries;
DROP FUNCTION board_entries_not_member;
