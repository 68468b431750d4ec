-- expects nothing
-- revision: s000
-- down_revision: 

-- migrate:upgrade
CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(100), name text, status text);
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, total numeric(10,2), note text);
CREATE INDEX ix_orders_note ON orders (note);
CREATE TABLE audit (id bigint PRIMARY KEY, payload text);
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE SCHEMA reporting;
ALTER TABLE orders ADD CONSTRAINT fk_orders_account FOREIGN KEY (account_id) REFERENCES accounts (id);
