-- Shiori's SQLite schema: the DDL of its migrations 0001_initial, 0002_denormalize_content,
-- 0003_config, 0004_created_time and 0005_bookmark_archiver, in order, without their data
-- statements (UPDATE) and transaction control. Source and licence: README.md beside this file.
CREATE TABLE IF NOT EXISTS account(
    id INTEGER NOT NULL,
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    owner INTEGER NOT NULL DEFAULT 0,
    showid INTEGER NOT NULL DEFAULT 0,
    listmode INTEGER NOT NULL DEFAULT 0,
    hidethumbnail INTEGER NOT NULL DEFAULT 0,
    hideexcerpt INTEGER NOT NULL DEFAULT 0,
    nightmode INTEGER NOT NULL DEFAULT 0,
    keepmetadata INTEGER NOT NULL DEFAULT 0,
    usearchive INTEGER NOT NULL DEFAULT 0,
    makepublic INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT account_PK PRIMARY KEY(id),
    CONSTRAINT account_username_UNIQUE UNIQUE(username)
);

CREATE TABLE IF NOT EXISTS bookmark(
    id INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT "",
    author TEXT NOT NULL DEFAULT "",
    public INTEGER NOT NULL DEFAULT 0,
    modified TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT bookmark_PK PRIMARY KEY(id),
    CONSTRAINT bookmark_url_UNIQUE UNIQUE(url)
);

CREATE TABLE IF NOT EXISTS tag(
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT tag_PK PRIMARY KEY(id),
    CONSTRAINT tag_name_UNIQUE UNIQUE(name)
);

CREATE TABLE IF NOT EXISTS bookmark_tag(
    bookmark_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    CONSTRAINT bookmark_tag_PK PRIMARY KEY(bookmark_id, tag_id),
    CONSTRAINT bookmark_id_FK FOREIGN KEY(bookmark_id) REFERENCES bookmark(id),
    CONSTRAINT tag_id_FK FOREIGN KEY(tag_id) REFERENCES tag(id)
);

CREATE VIRTUAL TABLE IF NOT EXISTS bookmark_content
    USING fts5(title, content, html, docid);

ALTER TABLE bookmark
    ADD has_content BOOLEAN DEFAULT FALSE NOT NULL;

ALTER TABLE account
    ADD config JSON NOT NULL DEFAULT '{}';

ALTER TABLE bookmark
RENAME COLUMN modified to created_at;

ALTER TABLE bookmark
ADD COLUMN modified_at TEXT NULL;

CREATE INDEX idx_created_at ON bookmark(created_at);
CREATE INDEX idx_modified_at ON bookmark(modified_at);

ALTER TABLE bookmark ADD COLUMN archiver TEXT NOT NULL DEFAULT '';
ALTER TABLE bookmark ADD COLUMN archive_path TEXT NOT NULL DEFAULT '';
