-- expects nothing
-- revision: s014
-- down_revision: s013

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD CONSTRAINT uq_accounts_email UNIQUE USING INDEX uq_accounts_email_index;
