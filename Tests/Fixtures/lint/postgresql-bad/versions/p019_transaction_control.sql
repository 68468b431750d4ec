-- expects transaction-control
-- revision: p019
-- down_revision: p018

-- migrate:upgrade
CREATE TABLE notes (id bigint PRIMARY KEY, body text);
COMMIT;
