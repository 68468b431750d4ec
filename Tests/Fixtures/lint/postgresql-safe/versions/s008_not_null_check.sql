-- expects nothing
-- revision: s008
-- down_revision: s007

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD CONSTRAINT ck_accounts_email_not_null CHECK (email IS NOT NULL) NOT VALID;
