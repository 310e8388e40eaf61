-- The audit log; see the MySQL migration of the same number.

-- +goose Up
CREATE TABLE audit_log (
  tenant_id     TEXT NOT NULL,
  id            TEXT NOT NULL,
  at            TEXT NOT NULL,
  actor_kind    TEXT NOT NULL,
  actor_id      TEXT NOT NULL,
  actor_name    TEXT NOT NULL,
  operation     TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  changes       TEXT,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource_id, id);

-- +goose Down
DROP TABLE audit_log;
