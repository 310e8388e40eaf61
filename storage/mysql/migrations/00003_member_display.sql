-- The display name a client gave a member when it added it to a group.

-- +goose Up
ALTER TABLE members ADD COLUMN display VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;

-- +goose Down
ALTER TABLE members DROP COLUMN display;
