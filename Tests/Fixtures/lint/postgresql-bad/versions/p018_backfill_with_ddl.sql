-- expects backfill-with-ddl
-- revision: p018
-- down_revision: p017

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN active boolean;
UPDATE accounts SET active = true;
