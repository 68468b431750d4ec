-- expects nothing
-- revision: s006
-- down_revision: s005

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID;
