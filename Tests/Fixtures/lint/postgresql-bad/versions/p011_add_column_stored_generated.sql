-- expects add-column-stored-generated
-- revision: p011
-- down_revision: p010

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED;
