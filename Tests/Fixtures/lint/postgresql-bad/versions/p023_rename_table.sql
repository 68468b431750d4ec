-- expects rename-table
-- revision: p023
-- down_revision: p022

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE audit RENAME TO audit_log;
