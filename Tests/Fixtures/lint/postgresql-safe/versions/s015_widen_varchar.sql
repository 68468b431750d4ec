-- expects nothing
-- revision: s015
-- down_revision: s014

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
