-- expects nothing
-- revision: s009
-- down_revision: s008

-- migrate:upgrade
ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_email_not_null;
