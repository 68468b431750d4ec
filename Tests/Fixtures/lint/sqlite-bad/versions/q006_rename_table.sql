-- expects rename-table
-- revision: q006
-- down_revision: q004

-- migrate:upgrade
ALTER TABLE audit RENAME TO audit_log;
