-- expects drop-table
-- revision: p024
-- down_revision: p023

-- migrate:upgrade
SET lock_timeout = '5s';
DROP TABLE audit_log;
