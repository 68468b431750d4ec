-- expects lock-timeout-missing
-- revision: p020
-- down_revision: p019

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN nickname text;
