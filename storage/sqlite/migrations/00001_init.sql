-- The initial schema; see the MySQL migration of the same number for the
-- meaning of each table. TEXT compares with SQLite's BINARY collation, so
-- comparisons are byte-exact; case-insensitive attributes are folded in Go.

-- +goose Up
CREATE TABLE tenants (
  id      TEXT NOT NULL PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL
);

CREATE TABLE users (
  tenant_id     TEXT NOT NULL,
  id            TEXT NOT NULL,
  user_name_ci  TEXT NOT NULL,
  external_id   TEXT,
  active        INTEGER,
  created       TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  version       INTEGER NOT NULL,
  doc           TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_user_name ON users (tenant_id, user_name_ci);
CREATE INDEX users_external_id ON users (tenant_id, external_id);
CREATE INDEX users_created ON users (tenant_id, created, id);
CREATE INDEX users_last_modified ON users (tenant_id, last_modified, id);
CREATE INDEX users_active ON users (tenant_id, active, id);

CREATE TABLE groups (
  tenant_id       TEXT NOT NULL,
  id              TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  display_name_ci TEXT NOT NULL,
  external_id     TEXT,
  created         TEXT NOT NULL,
  last_modified   TEXT NOT NULL,
  version         INTEGER NOT NULL,
  doc             TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_display_name ON groups (tenant_id, display_name_ci, id);
CREATE INDEX groups_external_id ON groups (tenant_id, external_id);
CREATE INDEX groups_created ON groups (tenant_id, created, id);
CREATE INDEX groups_last_modified ON groups (tenant_id, last_modified, id);

CREATE TABLE members (
  tenant_id   TEXT NOT NULL,
  group_id    TEXT NOT NULL,
  member_id   TEXT NOT NULL,
  member_type INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, group_id, member_id)
) WITHOUT ROWID;
CREATE INDEX members_member ON members (tenant_id, member_id, group_id);

CREATE TABLE attr_values (
  tenant_id   TEXT NOT NULL,
  rtype       INTEGER NOT NULL,
  resource_id TEXT NOT NULL,
  attr        TEXT NOT NULL,
  elem        INTEGER NOT NULL,
  pos         INTEGER NOT NULL,
  v_str       TEXT,
  v_num       REAL,
  PRIMARY KEY (tenant_id, rtype, resource_id, attr, elem, pos)
) WITHOUT ROWID;
CREATE INDEX attr_values_str ON attr_values (tenant_id, rtype, attr, v_str);
CREATE INDEX attr_values_num ON attr_values (tenant_id, rtype, attr, v_num);

-- +goose Down
DROP TABLE attr_values;
DROP TABLE members;
DROP TABLE groups;
DROP TABLE users;
DROP TABLE tenants;
