-- expects drop-column
-- revision: q004
-- down_revision: q003

-- migrate:upgrade
ALTER TABLE accounts DROP COLUMN status;
