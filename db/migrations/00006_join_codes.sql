-- +goose Up
-- Every team has a short code its members can share; a student who knows nobody joins with it.
-- Renewing sets it to a new default, and the old one stops working.
ALTER TABLE projects ADD COLUMN join_code text NOT NULL
    DEFAULT upper(substr(md5(random()::text || clock_timestamp()::text), 1, 4) || '-' ||
                  substr(md5(random()::text || clock_timestamp()::text), 1, 4))
    CHECK (join_code ~ '^[A-Z0-9]{4}-[A-Z0-9]{4}$');
ALTER TABLE projects ADD CONSTRAINT projects_join_code_key UNIQUE (unit, join_code);

-- +goose Down
ALTER TABLE projects DROP COLUMN join_code;
