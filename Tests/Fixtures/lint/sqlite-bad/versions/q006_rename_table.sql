-- expects rename-table
-- revision: q006
-- down_revision: q005

-- migrate:upgrade
ALTER TABLE audit RENAME TO audit_log;
