-- The display name a client gave a member when it added it to a group.

-- +goose Up
ALTER TABLE members ADD COLUMN display TEXT;

-- +goose Down
ALTER TABLE members DROP COLUMN display;
