-- expects type-change
-- revision: p013
-- down_revision: p012

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN total TYPE numeric(8,2);
