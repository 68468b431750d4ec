-- expects exclusion-constraint
-- revision: p015
-- down_revision: p014

-- migrate:upgrade
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT ex_orders_account EXCLUDE USING gist (account_id WITH =);
