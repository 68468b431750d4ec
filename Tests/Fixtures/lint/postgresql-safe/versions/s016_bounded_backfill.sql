-- expects nothing
-- revision: s016
-- down_revision: s015

-- migrate:upgrade
UPDATE accounts SET plan = 'pro' WHERE id BETWEEN 1 AND 1000;
