-- expects nothing
-- revision: q000
-- down_revision: 

-- migrate:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT, name TEXT, status TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, payload TEXT);
