-- +goose Up
-- Chat messages, kept so a student joining a room sees what was said before.
CREATE TABLE chat_messages (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room           text NOT NULL CHECK (room ~ '^(lobby|team-[0-9]+)$'),
    student_number text NOT NULL REFERENCES students (student_number) ON DELETE CASCADE,
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
    sent_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX chat_messages_room_id_idx ON chat_messages (room, id DESC);

-- +goose Down
DROP TABLE chat_messages;
