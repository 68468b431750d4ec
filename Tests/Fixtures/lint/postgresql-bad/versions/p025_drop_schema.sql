-- expects drop-schema
-- revision: p025
-- down_revision: p024

-- migrate:upgrade
DROP SCHEMA reporting;
