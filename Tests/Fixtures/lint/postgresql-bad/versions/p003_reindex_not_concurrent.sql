-- expects reindex-not-concurrent
-- revision: p003
-- down_revision: p002

-- migrate:upgrade
SET lock_timeout = '5s';
REINDEX TABLE orders;
