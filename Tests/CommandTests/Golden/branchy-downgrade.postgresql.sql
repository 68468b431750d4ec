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

-- Running downgrade fff666 -> eee555, add reviews

SET LOCAL lock_timeout = '5s';

DROP TABLE reviews;

UPDATE "migrate_version" SET version_num = 'eee555' WHERE version_num = 'fff666';

DELETE FROM "migrate_version_history" WHERE revision = 'fff666';

COMMIT;

BEGIN;

-- Running downgrade eee555 -> ddd444, ccc333, merge left and right

UPDATE "migrate_version" SET version_num = 'ccc333' WHERE version_num = 'eee555';

INSERT INTO "migrate_version" (version_num) VALUES ('ddd444');

DELETE FROM "migrate_version_history" WHERE revision = 'eee555';

COMMIT;

BEGIN;

-- Running downgrade ddd444 -> bbb222, index books

SET LOCAL lock_timeout = '5s';

DROP INDEX ix_books_title;

UPDATE "migrate_version" SET version_num = 'bbb222' WHERE version_num = 'ddd444';

DELETE FROM "migrate_version_history" WHERE revision = 'ddd444';

COMMIT;

BEGIN;

-- Running downgrade bbb222 -> aaa111, create books

SET LOCAL lock_timeout = '5s';

DROP TABLE books;

DELETE FROM "migrate_version" WHERE version_num = 'bbb222';

DELETE FROM "migrate_version_history" WHERE revision = 'bbb222';

COMMIT;

BEGIN;

-- Running downgrade ccc333 -> aaa111, create tags

SET LOCAL lock_timeout = '5s';

DROP TABLE tags;

UPDATE "migrate_version" SET version_num = 'aaa111' WHERE version_num = 'ccc333';

DELETE FROM "migrate_version_history" WHERE revision = 'ccc333';

COMMIT;

BEGIN;

-- Running downgrade aaa111 -> , create authors

SET LOCAL lock_timeout = '5s';

DROP TABLE authors;

DELETE FROM "migrate_version" WHERE version_num = 'aaa111';

DELETE FROM "migrate_version_history" WHERE revision = 'aaa111';

COMMIT;

