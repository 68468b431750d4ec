-- expects add-column-required
-- revision: q001
-- down_revision: q000

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL;
