-- create projects and tasks
-- revision: 8d42e6b0c913
-- down_revision: 3f1c9a7b2e01
-- branch_labels:
-- depends_on:

-- migrate:upgrade
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    -- Free text; markdown is rendered by the app.
    notes TEXT,
    due_on DATE
);
CREATE INDEX ix_tasks_project_id ON tasks (project_id);

-- migrate:downgrade
DROP TABLE tasks;
DROP TABLE projects;
