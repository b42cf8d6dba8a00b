-- +goose Up
-- Waitlists with holds (issue 10, section 5). A team queues for a full slot; when a place frees,
-- the first team in line gets a hold on it for the unit's hold_minutes. A held place counts
-- against the slot's capacity, so nobody else can book it: lab_slots.held counts the slot's
-- holds (kept by the trigger below) and the capacity CHECK becomes booked + held.
ALTER TABLE lab_slots ADD COLUMN held integer NOT NULL DEFAULT 0 CHECK (held >= 0);
ALTER TABLE lab_slots DROP CONSTRAINT lab_slots_booked_within_capacity;
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_booked_within_capacity
    CHECK (booked >= 0 AND booked + held <= capacity + forced);

-- A slot's line: the order of id is the order of arrival. A team is in a slot's line once.
CREATE TABLE lab_queue (
    id         bigserial PRIMARY KEY,
    unit       text NOT NULL,
    lab_id     bigint NOT NULL,
    project_id bigint NOT NULL,
    queued_at  timestamptz NOT NULL,
    CONSTRAINT lab_queue_once UNIQUE (lab_id, project_id),
    CONSTRAINT lab_queue_lab_fkey FOREIGN KEY (unit, lab_id) REFERENCES lab_slots (unit, id) ON DELETE CASCADE,
    CONSTRAINT lab_queue_project_fkey FOREIGN KEY (unit, project_id) REFERENCES projects (unit, id) ON DELETE CASCADE
);
CREATE INDEX lab_queue_line ON lab_queue (lab_id, id);
CREATE INDEX lab_queue_project ON lab_queue (project_id);

-- A place held for a team until expires_at. A team holds at most one place at a time; a hold
-- leaves this table exactly once: accepted (it becomes the team's booking), declined, or lapsed.
CREATE TABLE holds (
    id         bigserial PRIMARY KEY,
    unit       text NOT NULL,
    lab_id     bigint NOT NULL,
    project_id bigint NOT NULL,
    offered_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT holds_expire_after_offer CHECK (expires_at > offered_at),
    CONSTRAINT holds_one_per_team UNIQUE (project_id),
    CONSTRAINT holds_lab_fkey FOREIGN KEY (unit, lab_id) REFERENCES lab_slots (unit, id) ON DELETE CASCADE,
    CONSTRAINT holds_project_fkey FOREIGN KEY (unit, project_id) REFERENCES projects (unit, id) ON DELETE CASCADE
);
CREATE INDEX holds_due ON holds (expires_at);
CREATE INDEX holds_lab ON holds (lab_id);

-- +goose StatementBegin
CREATE FUNCTION lab_slots_count_hold() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE lab_slots SET held = held - 1 WHERE unit = OLD.unit AND id = OLD.lab_id;
    ELSE
        UPDATE lab_slots SET held = held + 1 WHERE unit = NEW.unit AND id = NEW.lab_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER holds_count AFTER INSERT OR DELETE ON holds
    FOR EACH ROW EXECUTE FUNCTION lab_slots_count_hold();

-- A team booked into a slot (by any route) leaves that slot's line.
-- +goose StatementBegin
CREATE FUNCTION lab_queue_drop_booked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lab_queue WHERE project_id = NEW.id AND lab_id = NEW.lab_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER projects_leave_queue
    AFTER INSERT OR UPDATE OF lab_id ON projects
    FOR EACH ROW WHEN (NEW.lab_id IS NOT NULL) EXECUTE FUNCTION lab_queue_drop_booked();

-- A booking that leaves takes back the forced places the slot no longer needs, held places
-- included (00005 counted bookings only).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lab_slots_count_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE lab_slots
        SET booked = booked - 1, forced = GREATEST(0, LEAST(forced, booked - 1 + held - capacity))
        WHERE unit = OLD.unit AND id = OLD.lab_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE lab_slots SET booked = booked + 1 WHERE unit = NEW.unit AND id = NEW.lab_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE holds;
DROP TABLE lab_queue;
DROP TRIGGER projects_leave_queue ON projects;
DROP FUNCTION lab_queue_drop_booked();
DROP FUNCTION lab_slots_count_hold();
ALTER TABLE lab_slots DROP CONSTRAINT lab_slots_booked_within_capacity;
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_booked_within_capacity CHECK (booked BETWEEN 0 AND capacity + forced);
ALTER TABLE lab_slots DROP COLUMN held;
