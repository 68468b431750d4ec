-- expects lock-timeout-missing
-- revision: p020
-- down_revision: p018

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN nickname text;
