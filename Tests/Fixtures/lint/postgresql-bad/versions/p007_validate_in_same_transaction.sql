-- expects validate-in-same-transaction
-- revision: p007
-- down_revision: p006

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT ck_orders_note CHECK (length(note) < 1000) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_note;
