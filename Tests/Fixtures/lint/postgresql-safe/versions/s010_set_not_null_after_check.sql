-- expects nothing
-- revision: s010
-- down_revision: s009

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT ck_accounts_email_not_null;
