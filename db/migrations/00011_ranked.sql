-- +goose Up
-- Ranked-choice booking: in a unit with booking 'ranked', each team ranks up to 10 of the unit's
-- slots, and one allocation (at closes_at, or when a coordinator starts it) books every team.

-- A team's ranking, best first. A dissolved team or a deleted slot takes its rows with it; the
-- order of the rest stands.
CREATE TABLE rankings (
    unit       text        NOT NULL,
    project_id bigint      NOT NULL,
    rank       integer     NOT NULL CHECK (rank BETWEEN 1 AND 10),
    lab_id     bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit, project_id, rank),
    CONSTRAINT rankings_lab_once UNIQUE (unit, project_id, lab_id),
    FOREIGN KEY (unit, project_id) REFERENCES projects (unit, id) ON DELETE CASCADE,
    FOREIGN KEY (unit, lab_id) REFERENCES lab_slots (unit, id) ON DELETE CASCADE
);

-- The allocation of a unit, at most one: its primary key makes "exactly once" the database's
-- rule, whichever instance or coordinator starts it.
CREATE TABLE allocation_runs (
    unit         text        PRIMARY KEY REFERENCES units (code) ON DELETE CASCADE,
    ran_at       timestamptz NOT NULL,
    seed         bigint      NOT NULL CHECK (seed BETWEEN 0 AND 9007199254740991),
    by_number    text,
    by_name      text        NOT NULL,
    automatic    boolean     NOT NULL,
    distribution jsonb       NOT NULL
);

-- What the allocation gave each team it considered: a slot (and the rank the team had given
-- it, NULL for one it did not rank), or no slot when none could be found.
CREATE TABLE allocation_results (
    unit       text   NOT NULL REFERENCES allocation_runs (unit) ON DELETE CASCADE,
    project_id bigint NOT NULL,
    lab_id     bigint,
    rank       integer CHECK (rank BETWEEN 1 AND 10),
    PRIMARY KEY (unit, project_id),
    FOREIGN KEY (unit, project_id) REFERENCES projects (unit, id) ON DELETE CASCADE,
    FOREIGN KEY (unit, lab_id) REFERENCES lab_slots (unit, id) ON DELETE SET NULL (lab_id)
);

-- +goose Down
DROP TABLE allocation_results;
DROP TABLE allocation_runs;
DROP TABLE rankings;
