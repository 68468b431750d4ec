-- expects drop-schema
-- revision: p025
-- down_revision: p024

-- migrate:upgrade
SET lock_timeout = '5s';
DROP SCHEMA reporting;
