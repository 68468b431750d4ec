-- expects add-column-serial
-- revision: p012
-- down_revision: p011

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE audit ADD COLUMN seq bigserial;
