-- expects rename-column
-- revision: p016
-- down_revision: p015

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts RENAME COLUMN name TO full_name;
