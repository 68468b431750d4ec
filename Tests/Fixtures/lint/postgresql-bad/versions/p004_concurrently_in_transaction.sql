-- expects concurrently-in-transaction
-- revision: p004
-- down_revision: p003

-- migrate:upgrade
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY ix_accounts_name ON accounts (name);
