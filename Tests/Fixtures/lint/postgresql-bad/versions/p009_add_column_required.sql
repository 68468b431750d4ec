-- expects add-column-required
-- revision: p009
-- down_revision: p008

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD COLUMN plan text NOT NULL;
