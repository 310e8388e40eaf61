-- SCIM credentials: the bearer tokens identity providers authenticate with,
-- one tenant's at a time. Only the SHA-256 of a token is stored; the token
-- itself is shown once, when it is made.
--
-- token_hash is unique per tenant and is how a request's token is found.
-- revoked is the time of revocation, NULL while the credential is valid;
-- a revoked row stays for the record but never authenticates again.
-- active_name is the name while the credential is valid and NULL once it is
-- revoked, so names are unique among a tenant's valid credentials (NULLs
-- never collide in a unique key) and a revoked credential's name may be
-- reused. The server computes it; scimd never writes it. revoked is a
-- VARCHAR, unlike the other timestamps (all 27 characters either way):
-- MariaDB refuses a CHAR column in a generated column's expression, since its
-- value depends on the PAD_CHAR_TO_FULL_LENGTH SQL mode.

-- +goose Up
CREATE TABLE credentials (
  tenant_id   VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id          VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name        VARCHAR(64) NOT NULL,
  token_hash  BINARY(32) NOT NULL,
  created     CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_used   CHAR(27) CHARACTER SET ascii COLLATE ascii_bin NULL,
  revoked     VARCHAR(27) CHARACTER SET ascii COLLATE ascii_bin NULL,
  active_name VARCHAR(64) GENERATED ALWAYS AS (IF(revoked IS NULL, name, NULL)) STORED,
  PRIMARY KEY (tenant_id, id),
  UNIQUE KEY credentials_token_hash (tenant_id, token_hash),
  UNIQUE KEY credentials_active_name (tenant_id, active_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE credentials;
