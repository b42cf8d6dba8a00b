-- +goose Up
-- Fair sign-up, the policy half: how teams form (direct or by invitation), how long an
-- invitation lasts, how slots are booked (first come or ranked) and how long a waitlist hold
-- lasts. The defaults are the seed's behaviour.
ALTER TABLE units
    ADD COLUMN consent      text    NOT NULL DEFAULT 'direct' CHECK (consent IN ('direct', 'invite')),
    ADD COLUMN invite_hours integer NOT NULL DEFAULT 48 CHECK (invite_hours BETWEEN 1 AND 720),
    ADD COLUMN booking      text    NOT NULL DEFAULT 'first_come' CHECK (booking IN ('first_come', 'ranked')),
    ADD COLUMN hold_minutes integer NOT NULL DEFAULT 10 CHECK (hold_minutes BETWEEN 1 AND 1440);

-- A team may have no slot yet: one formed by invitation (below team_min it cannot book), one
-- waiting for the ranked allocation, one made by "match the rest". The booking triggers count
-- nothing for a NULL slot.
ALTER TABLE projects ALTER COLUMN lab_id DROP NOT NULL;

-- Notices: everything that concerns one student (an invitation, a hold, a move...), kept for
-- their inbox. kind names the event; text is the line the inbox shows; data carries ids
-- (invitation, lab, project) a client can act on.
CREATE TABLE notices (
    id             bigserial PRIMARY KEY,
    unit           text NOT NULL REFERENCES units (code) ON DELETE CASCADE,
    student_number text NOT NULL REFERENCES people (student_number) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind ~ '^[a-z]+\.[a-z_]+$'),
    text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    data           jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    read_at        timestamptz,
    -- A notice that must go once only (a reminder) carries a key; a second one is dropped.
    dedupe_key     text,
    CONSTRAINT notices_once UNIQUE (student_number, dedupe_key)
);
CREATE INDEX notices_inbox ON notices (student_number, id DESC);

-- Mail to send after commit: a notice's email, retried with backoff until sent. A mail outage
-- never blocks the change that caused it.
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    notice_id       bigint REFERENCES notices (id) ON DELETE SET NULL,
    to_address      text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action ~ '^[a-z]+\.[a-z_]+$');

-- +goose Down
DELETE FROM projects WHERE lab_id IS NULL;
ALTER TABLE projects ALTER COLUMN lab_id SET NOT NULL;
DROP TABLE mail_outbox;
DROP TABLE notices;
ALTER TABLE units DROP COLUMN consent, DROP COLUMN invite_hours, DROP COLUMN booking, DROP COLUMN hold_minutes;
