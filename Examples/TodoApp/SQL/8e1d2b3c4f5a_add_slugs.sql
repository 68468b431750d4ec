-- add slugs
-- revision: 8e1d2b3c4f5a
-- down_revision: 7d0c1a2b3e4f
-- branch_labels:
-- depends_on:

-- migrate:upgrade
ALTER TABLE todos ADD COLUMN slug VARCHAR(200);

-- migrate:downgrade
ALTER TABLE todos DROP COLUMN slug;
