-- Tenant schemas: each tenant's custom attribute definitions, versioned, and
-- the index that keeps custom unique attributes unique.
--
-- tenants.schema_version is the tenant's current definition (0: none), read
-- with every authenticated request so a change shows on the next request.
-- tenant_schemas keeps every version. unique_values holds the values of the
-- tenant's unique custom attributes (folded when not caseExact): its primary
-- key is what makes a duplicate fail.

-- +goose Up
ALTER TABLE tenants ADD COLUMN schema_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE tenant_schemas (
  tenant_id  VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version    BIGINT NOT NULL,
  definition LONGTEXT NOT NULL,
  created    CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE unique_values (
  tenant_id   VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rtype       TINYINT NOT NULL,
  attr        VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  value       VARBINARY(1024) NOT NULL,
  resource_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, rtype, attr, value),
  KEY unique_values_resource (tenant_id, rtype, resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE unique_values;
DROP TABLE tenant_schemas;
ALTER TABLE tenants DROP COLUMN schema_version;
