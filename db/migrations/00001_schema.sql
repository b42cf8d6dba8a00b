-- +goose Up
CREATE TABLE students (
    student_number text PRIMARY KEY CHECK (student_number ~ '^[0-9]{8}$'),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    pin_hash       text NOT NULL,
    role           text NOT NULL DEFAULT 'student' CHECK (role IN ('student', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- A slot's booked count is kept by a trigger on projects; the CHECK makes "a slot holds at most
-- its capacity" a database rule: concurrent bookings serialize on the slot's row lock and the
-- loser fails the check.
CREATE TABLE lab_slots (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room      text NOT NULL CHECK (length(btrim(room)) BETWEEN 1 AND 100),
    starts_at timestamp NOT NULL,
    capacity  integer NOT NULL DEFAULT 1 CHECK (capacity >= 1),
    booked    integer NOT NULL DEFAULT 0,
    CONSTRAINT lab_slots_room_starts_at_key UNIQUE (room, starts_at),
    CONSTRAINT lab_slots_booked_within_capacity CHECK (booked BETWEEN 0 AND capacity)
);

CREATE TABLE projects (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    lab_id      bigint NOT NULL REFERENCES lab_slots (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX projects_lab_id_idx ON projects (lab_id);

-- One row per member. UNIQUE (student_number) is "a student is in at most one project";
-- position 1 is the creator, 2 the partner, so a team has at most two members.
CREATE TABLE project_members (
    project_id     bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    student_number text NOT NULL REFERENCES students (student_number),
    position       smallint NOT NULL CHECK (position IN (1, 2)),
    PRIMARY KEY (project_id, position),
    CONSTRAINT project_members_student_number_key UNIQUE (student_number)
);

-- +goose StatementBegin
CREATE FUNCTION lab_slots_count_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE lab_slots SET booked = booked - 1 WHERE id = OLD.lab_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE lab_slots SET booked = booked + 1 WHERE id = NEW.lab_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER projects_count_booking
    AFTER INSERT OR DELETE OR UPDATE OF lab_id ON projects
    FOR EACH ROW EXECUTE FUNCTION lab_slots_count_booking();

-- Revoked tokens, shared by every instance; rows past their expiry are pruned.
CREATE TABLE revoked_tokens (
    token_id   uuid PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- Failed sign-ins per student number (known or not, so both are throttled alike), in a fixed
-- window that starts at the first failure.
CREATE TABLE signin_throttle (
    student_number text PRIMARY KEY,
    window_start   timestamptz NOT NULL,
    failures       integer NOT NULL DEFAULT 0
);

-- Settings every instance shares, such as the generated token signing key.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE signin_throttle;
DROP TABLE revoked_tokens;
DROP TABLE project_members;
DROP TABLE projects;
DROP FUNCTION lab_slots_count_booking;
DROP TABLE lab_slots;
DROP TABLE students;
