-- Apps of a tenant and users' assignments to them. An assignment carries
-- the app's data about the user: a username unique within the app
-- (compared case-folded in username_ci, like userName; NULL when none, and
-- NULLs never collide), an external account ID and a JSON object.
-- app_assignments' primary key serves an app's users (and the filter
-- apps.value eq "<app>"), app_assignments_user a user's apps.

-- +goose Up
CREATE TABLE apps (
  tenant_id     VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id            VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name          VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  description   TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  created       CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_modified CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, id),
  KEY apps_name (tenant_id, name, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE app_assignments (
  tenant_id           VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  app_id              VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id             VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  username            VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  username_ci         VARBINARY(1024) NULL,
  external_account_id VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  custom_app_data     MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  created             CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_modified       CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, app_id, user_id),
  UNIQUE KEY app_assignments_username (tenant_id, app_id, username_ci),
  KEY app_assignments_user (tenant_id, user_id, app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE app_assignments;
DROP TABLE apps;
