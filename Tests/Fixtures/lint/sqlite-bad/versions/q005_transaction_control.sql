-- expects transaction-control
-- revision: q005
-- down_revision: q004

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY);
COMMIT;
