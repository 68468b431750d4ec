-- add task states
-- revision: c7a05e19f4b2
-- down_revision: 8d42e6b0c913
-- branch_labels:
-- depends_on:

-- migrate:upgrade
CREATE TABLE task_states (
    name VARCHAR(20) NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    is_closed BOOLEAN NOT NULL
);
INSERT INTO task_states (name, position, is_closed) VALUES
    ('todo', 1, FALSE),
    ('doing', 2, FALSE),
    ('done', 3, TRUE),
    ('won''t do', 4, TRUE);
ALTER TABLE tasks ADD COLUMN state VARCHAR(20) NOT NULL DEFAULT 'todo' REFERENCES task_states (name);
CREATE INDEX ix_tasks_state ON tasks (state);

-- migrate:downgrade
DROP INDEX ix_tasks_state;
ALTER TABLE tasks DROP COLUMN state;
DROP TABLE task_states;
