CREATE TABLE IF NOT EXISTS "migrate_version" (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT "migrate_version_pkc" PRIMARY KEY (version_num)
);

CREATE TABLE IF NOT EXISTS "migrate_version_history" (
    revision VARCHAR(32) NOT NULL,
    checksum VARCHAR(64),
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    duration_ms INTEGER,
    CONSTRAINT "migrate_version_history_pkc" PRIMARY KEY (revision)
);

BEGIN;

-- Running upgrade aaa111 -> ccc333, create tags

SET LOCAL lock_timeout = '5s';

CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(50) NOT NULL);

INSERT INTO tags (id, label) VALUES (1, 'it''s; fine');

INSERT INTO "migrate_version" (version_num) VALUES ('ccc333');

DELETE FROM "migrate_version_history" WHERE revision = 'ccc333';

INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('ccc333', 'd1f1e2862f8439346e6c4c50b8c847bd69c6d2bec6929326e38e453fc89aeefc', NULL);

COMMIT;

BEGIN;

-- Running upgrade bbb222 -> ddd444, index books

SET LOCAL lock_timeout = '5s';

CREATE INDEX ix_books_title ON books (title);

UPDATE "migrate_version" SET version_num = 'ddd444' WHERE version_num = 'bbb222';

DELETE FROM "migrate_version_history" WHERE revision = 'ddd444';

INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('ddd444', '2ec9bf585526bd4073044488bcf389b811148c7a6706679af8665a6f42ca6972', NULL);

COMMIT;

BEGIN;

-- Running upgrade ddd444, ccc333 -> eee555, merge left and right

UPDATE "migrate_version" SET version_num = 'eee555' WHERE version_num = 'ccc333';

DELETE FROM "migrate_version" WHERE version_num = 'ddd444';

DELETE FROM "migrate_version_history" WHERE revision = 'eee555';

INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('eee555', 'a6211fddec0917fcc9697ecb9cf2c98265e5527c21248e135531c1719425aa12', NULL);

COMMIT;

BEGIN;

-- Running upgrade eee555 -> fff666, add reviews

SET LOCAL lock_timeout = '5s';

CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books (id), tag_id INTEGER REFERENCES tags (id));

UPDATE "migrate_version" SET version_num = 'fff666' WHERE version_num = 'eee555';

DELETE FROM "migrate_version_history" WHERE revision = 'fff666';

INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('fff666', '0c8652a7d89f1a95d31a20d9ecc48088e16f73f037a74c3e4b17443be99a0250', NULL);

COMMIT;

