-- expects nothing
-- revision: s007
-- down_revision: s006

-- migrate:upgrade
ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total;
