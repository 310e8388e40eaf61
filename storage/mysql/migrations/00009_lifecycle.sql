-- User lifecycle: the tenant-wide "sessions valid after" time, and the
-- tenant's tag keys.
--
-- tenants.sessions_valid_after is NULL until the tenant's sessions are first
-- invalidated. tag_keys lists, per tenant, the keys of the scimd User
-- extension's tags that at least one user carries, with the number of such
-- users: every user write adjusts it in its own transaction, and a key whose
-- count reaches 0 is deleted, so listing a tenant's keys never reads users.

-- +goose Up
ALTER TABLE tenants ADD COLUMN sessions_valid_after CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NULL;

CREATE TABLE tag_keys (
  tenant_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `key`     VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  users     BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, `key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE tag_keys;
ALTER TABLE tenants DROP COLUMN sessions_valid_after;
