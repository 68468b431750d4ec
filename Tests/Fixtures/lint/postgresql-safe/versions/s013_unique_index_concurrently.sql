-- expects nothing
-- revision: s013
-- down_revision: s012
-- transactional: false

-- migrate:upgrade
SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY uq_accounts_email_index ON accounts (email);
