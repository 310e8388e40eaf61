-- The audit log: one row per change of a tenant's data, written in the
-- transaction of the change (see storage.AuditEntry).
--
-- id is a time-ordered UUID (version 7), so a tenant's log reads newest
-- first by the primary key, which starts with the tenant (as every table's
-- does: a sharding key for Vitess or TiDB). audit_log_resource serves a
-- resource's timeline. at is the fixed-width time form of every table.
-- changes is the JSON list of changed attributes, secrets redacted; NULL
-- when there are none.

-- +goose Up
CREATE TABLE audit_log (
  tenant_id     VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id            VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  at            CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  actor_kind    VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  actor_id      VARCHAR(255) NOT NULL,
  actor_name    VARCHAR(255) NOT NULL,
  operation     VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource_type VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  changes       LONGTEXT NULL,
  PRIMARY KEY (tenant_id, id),
  KEY audit_log_resource (tenant_id, resource_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE audit_log;
