-- expects nothing
-- revision: s011
-- down_revision: s010

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';
