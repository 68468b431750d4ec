-- expects nothing
-- revision: s004
-- down_revision: s003

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE audit ADD COLUMN account_id bigint;
ALTER TABLE audit ADD CONSTRAINT fk_audit_account FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
