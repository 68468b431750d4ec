-- expects add-column-volatile-default
-- revision: p010
-- down_revision: p009

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
