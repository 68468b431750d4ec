-- expects nothing
-- revision: s003
-- down_revision: s002
-- transactional: false

-- migrate:upgrade
SET lock_timeout = '5s';
REINDEX TABLE CONCURRENTLY orders;
