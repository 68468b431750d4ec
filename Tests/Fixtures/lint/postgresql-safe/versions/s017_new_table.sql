-- expects nothing
-- revision: s017
-- down_revision: s016

-- migrate:upgrade
CREATE TABLE notes (id bigint PRIMARY KEY, account_id bigint, body text);
CREATE INDEX ix_notes_account ON notes (account_id);
ALTER TABLE notes ADD CONSTRAINT fk_notes_account FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE notes ALTER COLUMN body SET NOT NULL;
ALTER TABLE notes ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE notes RENAME COLUMN body TO text;
