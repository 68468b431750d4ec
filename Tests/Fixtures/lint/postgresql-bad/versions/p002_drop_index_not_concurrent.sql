-- expects drop-index-not-concurrent
-- revision: p002
-- down_revision: p001

-- migrate:upgrade
SET lock_timeout = '5s';
DROP INDEX ix_orders_note;
