-- expects drop-foreign-key
-- revision: p021
-- down_revision: p020

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders DROP CONSTRAINT fk_orders_account;
