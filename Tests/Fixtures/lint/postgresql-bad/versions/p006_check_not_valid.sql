-- expects check-not-valid
-- revision: p006
-- down_revision: p005

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0);
