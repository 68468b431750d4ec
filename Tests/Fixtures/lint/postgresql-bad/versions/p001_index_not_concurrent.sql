-- expects index-not-concurrent
-- revision: p001
-- down_revision: p000

-- migrate:upgrade
SET lock_timeout = '5s';
CREATE INDEX ix_accounts_email ON accounts (email);
