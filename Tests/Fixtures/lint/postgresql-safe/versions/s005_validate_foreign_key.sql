-- expects nothing
-- revision: s005
-- down_revision: s004

-- migrate:upgrade
ALTER TABLE audit VALIDATE CONSTRAINT fk_audit_account;
