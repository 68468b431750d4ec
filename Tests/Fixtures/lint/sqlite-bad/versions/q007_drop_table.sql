-- expects drop-table
-- revision: q007
-- down_revision: q006

-- migrate:upgrade
DROP TABLE audit_log;
