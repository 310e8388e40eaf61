-- The initial schema. Every table is keyed by tenant first, so a tenant's
-- rows are contiguous and a sharded engine can route on tenant_id.
-- Compared values are VARBINARY/BLOB: byte-exact on every server, whatever its
-- default charset or collation; case-insensitive attributes are folded in Go
-- into *_ci columns before they are stored or compared.

-- +goose Up
CREATE TABLE tenants (
  id      VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name    VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tenants_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE users (
  tenant_id     VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id            VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_name_ci  VARBINARY(1024) NOT NULL,
  external_id   VARBINARY(1024) NULL,
  active        TINYINT NULL,
  created       CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_modified CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version       BIGINT NOT NULL,
  doc           LONGTEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY users_user_name (tenant_id, user_name_ci),
  KEY users_external_id (tenant_id, external_id),
  KEY users_created (tenant_id, created, id),
  KEY users_last_modified (tenant_id, last_modified, id),
  KEY users_active (tenant_id, active, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `groups` (
  tenant_id       VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id              VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  display_name    VARBINARY(1024) NOT NULL,
  display_name_ci VARBINARY(1024) NOT NULL,
  external_id     VARBINARY(1024) NULL,
  created         CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_modified   CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version         BIGINT NOT NULL,
  doc             LONGTEXT NOT NULL,
  PRIMARY KEY (tenant_id, id),
  KEY groups_display_name (tenant_id, display_name_ci, id),
  KEY groups_external_id (tenant_id, external_id),
  KEY groups_created (tenant_id, created, id),
  KEY groups_last_modified (tenant_id, last_modified, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per (group, member); member_type is 1 for a user, 2 for a group.
-- The primary key serves a group's member list, members_member the groups of
-- a member. Adding or removing one member touches one row.
CREATE TABLE members (
  tenant_id   VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  group_id    VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  member_id   VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  member_type TINYINT NOT NULL,
  PRIMARY KEY (tenant_id, group_id, member_id),
  KEY members_member (tenant_id, member_id, group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The filter index: one row per indexed attribute value of a resource.
-- rtype is 1 for users, 2 for groups; attr is the attribute's lower-case key;
-- elem numbers the elements of a multi-valued complex attribute (so a value
-- filter can require one element to match) and pos the values of a
-- multi-valued simple attribute. Strings and dateTimes go to v_str (folded
-- when the attribute is not caseExact), numbers and booleans to v_num.
CREATE TABLE attr_values (
  tenant_id   VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rtype       TINYINT NOT NULL,
  resource_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  attr        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  elem        INT NOT NULL,
  pos         INT NOT NULL,
  v_str       MEDIUMBLOB NULL,
  v_num       DOUBLE NULL,
  PRIMARY KEY (tenant_id, rtype, resource_id, attr, elem, pos),
  KEY attr_values_str (tenant_id, rtype, attr, v_str(255)),
  KEY attr_values_num (tenant_id, rtype, attr, v_num)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE attr_values;
DROP TABLE members;
DROP TABLE `groups`;
DROP TABLE users;
DROP TABLE tenants;
