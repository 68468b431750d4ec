-- expects nothing
-- revision: s012
-- down_revision: s011

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN token uuid;
ALTER TABLE accounts ALTER COLUMN token SET DEFAULT gen_random_uuid();
