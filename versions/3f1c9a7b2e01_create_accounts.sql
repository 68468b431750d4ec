-- create accounts
-- revision: 3f1c9a7b2e01
-- down_revision:
-- branch_labels:
-- depends_on:

-- migrate:upgrade
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ix_accounts_email ON accounts (email);

-- migrate:downgrade
DROP INDEX ix_accounts_email;
DROP TABLE accounts;
