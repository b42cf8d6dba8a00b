-- +goose Up
-- The coordinator's console: e-mail addresses on the roster, places given beyond a slot's
-- capacity by force, archived units, and the actions the console records.

ALTER TABLE people ADD COLUMN email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);

-- A PIN reset signs the person out everywhere: tokens issued before it are refused.
ALTER TABLE people ADD COLUMN tokens_valid_from timestamptz;

-- forced counts the places a coordinator gave beyond the capacity ("force", with a reason). A slot
-- holds at most capacity + forced teams; a forced place is taken back once the slot drops below
-- what its capacity allows, so a freed forced place is never offered to anyone else.
ALTER TABLE lab_slots ADD COLUMN forced integer NOT NULL DEFAULT 0 CHECK (forced >= 0);
ALTER TABLE lab_slots DROP CONSTRAINT lab_slots_booked_within_capacity;
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_booked_within_capacity CHECK (booked BETWEEN 0 AND capacity + forced);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lab_slots_count_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE lab_slots
        SET booked = booked - 1, forced = GREATEST(0, LEAST(forced, booked - 1 - capacity))
        WHERE unit = OLD.unit AND id = OLD.lab_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE lab_slots SET booked = booked + 1 WHERE unit = NEW.unit AND id = NEW.lab_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A team that keeps its slot (an update of its description) books nothing: only a real move
-- counts, so a slot full by force does not refuse its own team's update.
DROP TRIGGER projects_count_booking ON projects;
CREATE TRIGGER projects_count_booking
    AFTER INSERT OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION lab_slots_count_booking();
CREATE TRIGGER projects_count_booking_move
    AFTER UPDATE OF unit, lab_id ON projects
    FOR EACH ROW WHEN (OLD.unit IS DISTINCT FROM NEW.unit OR OLD.lab_id IS DISTINCT FROM NEW.lab_id)
    EXECUTE FUNCTION lab_slots_count_booking();

ALTER TABLE units ADD COLUMN archived_at timestamptz;

-- The list of actions lives in the domain and openapi.yaml; the database keeps their shape.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action ~ '^[a-z]+\.[a-z]+$');
CREATE INDEX audit_log_student_idx ON audit_log (unit, student, id DESC);
CREATE INDEX audit_log_pid_idx ON audit_log (unit, pid, id DESC);

-- +goose Down
SELECT 'irreversible'::int;
