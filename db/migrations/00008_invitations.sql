-- +goose Up
-- Invitations: a team asks a student to join it; the student accepts (and joins, within
-- team_max) or declines. Kept after they are resolved, for the inbox and the audit trail.
-- An invitation that is pending past expires_at counts as lapsed (it is never swept).
CREATE TABLE invitations (
    id             bigserial,
    unit           text NOT NULL REFERENCES units (code) ON DELETE CASCADE,
    -- The inviting team; NULL once it has dissolved (its pending invitations lapse first).
    project_id     bigint,
    -- The member who sent it.
    from_student   text NOT NULL,
    student_number text NOT NULL,
    -- Only a student enrolment can be invited (the target of the enrolment reference).
    role           text NOT NULL DEFAULT 'student' CHECK (role = 'student'),
    status         text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'lapsed', 'withdrawn')),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    resolved_at    timestamptz,
    PRIMARY KEY (unit, id),
    CONSTRAINT invitations_not_self CHECK (from_student <> student_number),
    CONSTRAINT invitations_expiry CHECK (expires_at > created_at),
    CONSTRAINT invitations_resolved CHECK ((status = 'pending') = (resolved_at IS NULL)),
    CONSTRAINT invitations_project_fkey FOREIGN KEY (unit, project_id)
        REFERENCES projects (unit, id) ON DELETE SET NULL (project_id),
    CONSTRAINT invitations_student_fkey FOREIGN KEY (unit, student_number, role)
        REFERENCES enrolments (unit, student_number, role) ON DELETE CASCADE,
    CONSTRAINT invitations_from_fkey FOREIGN KEY (unit, from_student)
        REFERENCES enrolments (unit, student_number) ON DELETE CASCADE
);
-- One pending invitation per team and student.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (unit, project_id, student_number) WHERE status = 'pending';
CREATE INDEX invitations_student ON invitations (unit, student_number, id);
CREATE INDEX invitations_project ON invitations (unit, project_id, id);

-- A student who joins a team, by whatever route, has their other pending invitations lapse.
-- (The use cases lapse them first, with notices; this keeps every other path right too.)
-- +goose StatementBegin
CREATE FUNCTION invitations_lapse_on_join() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invitations SET status = 'lapsed', resolved_at = now()
    WHERE unit = NEW.unit AND student_number = NEW.student_number AND status = 'pending';
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER invitations_lapse_on_join
    AFTER INSERT ON project_members
    FOR EACH ROW EXECUTE FUNCTION invitations_lapse_on_join();

-- A team that dissolves has its pending invitations lapse.
-- +goose StatementBegin
CREATE FUNCTION invitations_lapse_on_dissolve() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invitations SET status = 'lapsed', resolved_at = now()
    WHERE unit = OLD.unit AND project_id = OLD.id AND status = 'pending';
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER invitations_lapse_on_dissolve
    BEFORE DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION invitations_lapse_on_dissolve();

-- +goose Down
DROP TRIGGER invitations_lapse_on_dissolve ON projects;
DROP FUNCTION invitations_lapse_on_dissolve();
DROP TRIGGER invitations_lapse_on_join ON project_members;
DROP FUNCTION invitations_lapse_on_join();
DROP TABLE invitations;
