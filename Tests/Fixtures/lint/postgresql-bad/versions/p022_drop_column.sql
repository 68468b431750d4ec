-- expects drop-column
-- revision: p022
-- down_revision: p021

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders DROP COLUMN note;
