-- expects rename-column
-- revision: q003
-- down_revision: q002

-- migrate:upgrade
ALTER TABLE accounts RENAME COLUMN name TO full_name;
