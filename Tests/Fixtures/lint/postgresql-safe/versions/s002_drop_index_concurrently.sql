-- expects nothing
-- revision: s002
-- down_revision: s001
-- transactional: false

-- migrate:upgrade
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY ix_orders_note;
