-- expects table-rebuild
-- revision: q002
-- down_revision: q001

-- migrate:upgrade
CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, status TEXT);
INSERT INTO accounts_new (id, email, name, status) SELECT id, email, name, status FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
