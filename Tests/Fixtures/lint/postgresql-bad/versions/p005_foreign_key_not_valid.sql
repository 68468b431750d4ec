-- expects foreign-key-not-valid
-- revision: p005
-- down_revision: p004

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE audit ADD COLUMN account_id bigint;
ALTER TABLE audit ADD CONSTRAINT fk_audit_account FOREIGN KEY (account_id) REFERENCES accounts (id);
