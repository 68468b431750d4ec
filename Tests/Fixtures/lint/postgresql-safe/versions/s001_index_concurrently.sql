-- expects nothing
-- revision: s001
-- down_revision: s000
-- transactional: false

-- migrate:upgrade
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY ix_accounts_email ON accounts (email);
