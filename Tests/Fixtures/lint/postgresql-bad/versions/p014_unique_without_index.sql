-- expects unique-without-index
-- revision: p014
-- down_revision: p013

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ADD CONSTRAINT uq_accounts_email UNIQUE (email);
