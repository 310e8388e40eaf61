-- Apps and users' assignments to them; see the MySQL migration of the same
-- number. app_assignments keeps its rowid: SQLite's planner, without
-- statistics, would rather walk a WITHOUT ROWID table's primary key over
-- the whole tenant than use a secondary index that does not cover the
-- query (a user's apps read every column).

-- +goose Up
CREATE TABLE apps (
  tenant_id     TEXT NOT NULL,
  id            TEXT NOT NULL,
  name          TEXT NOT NULL,
  description   TEXT,
  created       TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX apps_name ON apps (tenant_id, name, id);

CREATE TABLE app_assignments (
  tenant_id           TEXT NOT NULL,
  app_id              TEXT NOT NULL,
  user_id             TEXT NOT NULL,
  username            TEXT,
  username_ci         TEXT,
  external_account_id TEXT,
  custom_app_data     TEXT,
  created             TEXT NOT NULL,
  last_modified       TEXT NOT NULL,
  PRIMARY KEY (tenant_id, app_id, user_id)
);
CREATE UNIQUE INDEX app_assignments_username ON app_assignments (tenant_id, app_id, username_ci);
CREATE INDEX app_assignments_user ON app_assignments (tenant_id, user_id, app_id);

-- +goose Down
DROP TABLE app_assignments;
DROP TABLE apps;
