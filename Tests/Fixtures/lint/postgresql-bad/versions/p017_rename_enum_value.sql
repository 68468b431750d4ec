-- expects rename-enum-value
-- revision: p017
-- down_revision: p016

-- migrate:upgrade
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
