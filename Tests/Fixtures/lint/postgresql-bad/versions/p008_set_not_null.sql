-- expects set-not-null
-- revision: p008
-- down_revision: p007

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
