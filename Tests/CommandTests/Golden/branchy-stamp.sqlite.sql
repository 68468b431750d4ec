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

-- Running stamp_revision  -> fff666

INSERT INTO "migrate_version" (version_num) VALUES ('fff666');

DELETE FROM "migrate_version_history" WHERE revision NOT IN ('aaa111', 'bbb222', 'ccc333', 'ddd444', 'eee555', 'fff666');

COMMIT;

