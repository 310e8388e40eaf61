-- The external_id indexes end with id, as the other indexes of users and
-- groups do (on MySQL, InnoDB appends the primary key to every index): a
-- lookup by externalId then reads its matches in the order of a page, and
-- SQLite no longer prefers walking the tenant by id to avoid sorting them,
-- which it did without statistics (scimd runs no ANALYZE), reading every
-- user of the tenant for each externalId eq filter.

-- +goose Up
DROP INDEX users_external_id;
CREATE INDEX users_external_id ON users (tenant_id, external_id, id);
DROP INDEX groups_external_id;
CREATE INDEX groups_external_id ON groups (tenant_id, external_id, id);

-- +goose Down
DROP INDEX groups_external_id;
CREATE INDEX groups_external_id ON groups (tenant_id, external_id);
DROP INDEX users_external_id;
CREATE INDEX users_external_id ON users (tenant_id, external_id);
