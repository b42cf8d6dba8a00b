-- +goose Up
-- Units: many course offerings, each with its own roster (enrolments), slots, teams, policy and
-- audit log. Everything of the one-class schema lands in the unit `default`. Every per-unit
-- table carries the unit in its primary key, and references between them include it, so a team
-- can only book a slot of its own unit and only enrolled students can be members.

CREATE TABLE units (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,40}$'),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    timezone      text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
    team_min      integer NOT NULL DEFAULT 2,
    team_max      integer NOT NULL DEFAULT 2,
    opens_at      timestamptz,
    closes_at     timestamptz,
    guard_minutes integer NOT NULL DEFAULT 0 CHECK (guard_minutes BETWEEN 0 AND 10080),
    is_default    boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT units_team_size CHECK (1 <= team_min AND team_min <= team_max AND team_max <= 10),
    CONSTRAINT units_window CHECK (opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at)
);

-- At most one default unit.
CREATE UNIQUE INDEX units_one_default ON units (is_default) WHERE is_default;

INSERT INTO units (code, title, is_default) VALUES ('default', 'Pair-Up', true);

-- People: one account and one PIN across every unit.
ALTER TABLE students RENAME TO people;
ALTER TABLE people RENAME CONSTRAINT students_pkey TO people_pkey;
ALTER TABLE people RENAME CONSTRAINT students_student_number_check TO people_student_number_check;
ALTER TABLE people RENAME CONSTRAINT students_name_check TO people_name_check;
ALTER TABLE people ADD COLUMN site_admin boolean NOT NULL DEFAULT false;

CREATE TABLE enrolments (
    unit           text NOT NULL REFERENCES units (code) ON DELETE CASCADE,
    student_number text NOT NULL REFERENCES people (student_number) ON DELETE CASCADE,
    role           text NOT NULL CHECK (role IN ('student', 'coordinator')),
    PRIMARY KEY (unit, student_number),
    -- The target of project_members' reference: only a student enrolment can hold a member.
    CONSTRAINT enrolments_role_key UNIQUE (unit, student_number, role)
);

CREATE INDEX enrolments_student_number_idx ON enrolments (student_number);

-- Admins become coordinators of the default unit. An admin who is nevertheless in a team (00003
-- only stopped promotions, not older rows) stays a student there, keeping the team, and becomes
-- a site admin, so they keep every power they had.
INSERT INTO enrolments (unit, student_number, role)
SELECT 'default', p.student_number,
       CASE WHEN p.role = 'admin' AND NOT EXISTS (SELECT 1 FROM project_members m WHERE m.student_number = p.student_number)
            THEN 'coordinator' ELSE 'student' END
FROM people p;
UPDATE people p SET site_admin = true
WHERE p.role = 'admin' AND EXISTS (SELECT 1 FROM project_members m WHERE m.student_number = p.student_number);

-- The reference from members to student enrolments replaces the trigger.
DROP TRIGGER students_admin_not_member ON people;
DROP FUNCTION students_admin_not_member();
ALTER TABLE people DROP COLUMN role;

-- Slots belong to a unit.
ALTER TABLE project_members DROP CONSTRAINT project_members_project_id_fkey;
ALTER TABLE projects DROP CONSTRAINT projects_lab_id_fkey;

ALTER TABLE lab_slots ADD COLUMN unit text NOT NULL DEFAULT 'default' REFERENCES units (code) ON DELETE CASCADE;
ALTER TABLE lab_slots ALTER COLUMN unit DROP DEFAULT;
ALTER TABLE lab_slots DROP CONSTRAINT lab_slots_room_starts_at_key;
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_room_starts_at_key UNIQUE (unit, room, starts_at);
ALTER TABLE lab_slots DROP CONSTRAINT lab_slots_pkey;
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_pkey PRIMARY KEY (unit, id);
ALTER TABLE lab_slots ADD CONSTRAINT lab_slots_id_key UNIQUE (id);

-- Teams belong to a unit and book a slot of the same unit.
ALTER TABLE projects ADD COLUMN unit text NOT NULL DEFAULT 'default' REFERENCES units (code) ON DELETE CASCADE;
ALTER TABLE projects ALTER COLUMN unit DROP DEFAULT;
ALTER TABLE projects DROP CONSTRAINT projects_pkey;
ALTER TABLE projects ADD CONSTRAINT projects_pkey PRIMARY KEY (unit, id);
ALTER TABLE projects ADD CONSTRAINT projects_id_key UNIQUE (id);
ALTER TABLE projects ADD CONSTRAINT projects_lab_fkey FOREIGN KEY (unit, lab_id) REFERENCES lab_slots (unit, id);
DROP INDEX projects_lab_id_idx;
CREATE INDEX projects_lab_idx ON projects (unit, lab_id);

-- Members: a student is in at most one team per unit, and only a student enrolled in the unit.
-- position orders members by when they joined (the creator first).
ALTER TABLE project_members ADD COLUMN unit text NOT NULL DEFAULT 'default';
ALTER TABLE project_members ALTER COLUMN unit DROP DEFAULT;
ALTER TABLE project_members ADD COLUMN role text NOT NULL DEFAULT 'student' CHECK (role = 'student');
ALTER TABLE project_members DROP CONSTRAINT project_members_student_number_fkey;
ALTER TABLE project_members DROP CONSTRAINT project_members_student_number_key;
ALTER TABLE project_members DROP CONSTRAINT project_members_pkey;
ALTER TABLE project_members DROP CONSTRAINT project_members_position_check;
CREATE SEQUENCE project_members_position_seq AS bigint;
ALTER TABLE project_members ALTER COLUMN position TYPE bigint;
SELECT setval('project_members_position_seq', coalesce((SELECT max(position) FROM project_members), 0) + 1, false);
ALTER TABLE project_members ALTER COLUMN position SET DEFAULT nextval('project_members_position_seq');
ALTER SEQUENCE project_members_position_seq OWNED BY project_members.position;
ALTER TABLE project_members ADD CONSTRAINT project_members_pkey PRIMARY KEY (unit, project_id, student_number);
ALTER TABLE project_members ADD CONSTRAINT project_members_one_team_per_unit UNIQUE (unit, student_number);
ALTER TABLE project_members ADD CONSTRAINT project_members_project_fkey
    FOREIGN KEY (unit, project_id) REFERENCES projects (unit, id) ON DELETE CASCADE;
ALTER TABLE project_members ADD CONSTRAINT project_members_enrolment_fkey
    FOREIGN KEY (unit, student_number, role) REFERENCES enrolments (unit, student_number, role);

-- Bookings are counted per slot of the unit.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lab_slots_count_booking() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE lab_slots SET booked = booked - 1 WHERE unit = OLD.unit AND id = OLD.lab_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE lab_slots SET booked = booked + 1 WHERE unit = NEW.unit AND id = NEW.lab_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A team never grows past its unit's team_max. Members join under the team's row lock, and the
-- unit's row is share-locked so that a policy change (which locks it for update) waits.
-- +goose StatementBegin
CREATE FUNCTION project_members_team_max() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    max_size integer;
    size     integer;
BEGIN
    PERFORM 1 FROM projects WHERE unit = NEW.unit AND id = NEW.project_id FOR UPDATE;
    SELECT team_max INTO max_size FROM units WHERE code = NEW.unit FOR SHARE;
    SELECT count(*) INTO size FROM project_members WHERE unit = NEW.unit AND project_id = NEW.project_id;
    IF size >= max_size THEN
        RAISE EXCEPTION 'team % of unit % already has % members', NEW.project_id, NEW.unit, size
            USING ERRCODE = 'check_violation', CONSTRAINT = 'project_members_team_max';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER project_members_team_max
    BEFORE INSERT OR UPDATE OF unit, project_id ON project_members
    FOR EACH ROW EXECUTE FUNCTION project_members_team_max();

-- Chat rooms belong to a unit: its lobby, and its teams' rooms.
ALTER TABLE chat_messages ADD COLUMN unit text NOT NULL DEFAULT 'default' REFERENCES units (code) ON DELETE CASCADE;
ALTER TABLE chat_messages ALTER COLUMN unit DROP DEFAULT;
DROP INDEX chat_messages_room_id_idx;
CREATE INDEX chat_messages_room_id_idx ON chat_messages (unit, room, id DESC);

-- Every change, by whom, in the transaction that makes it.
CREATE TABLE audit_log (
    unit       text NOT NULL REFERENCES units (code) ON DELETE CASCADE,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    at         timestamptz NOT NULL,
    actor      text,
    actor_name text NOT NULL,
    action     text NOT NULL CHECK (action IN ('project.created', 'project.updated', 'project.deleted',
        'member.removed', 'unit.created', 'unit.updated', 'roster.imported', 'labs.imported')),
    pid        bigint,
    lab_id     bigint,
    student    text,
    details    jsonb,
    reason     text CHECK (length(reason) <= 500),
    PRIMARY KEY (unit, id)
);

-- +goose Down
-- The unit schema cannot be folded back into one class without losing data.
SELECT 'irreversible'::int;
