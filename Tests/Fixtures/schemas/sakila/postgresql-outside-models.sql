-- The functions of Sakila's PostgreSQL schema (postgres-sakila-schema.sql, BSD 2-Clause, see
-- ../README.md) that its views and triggers call: the aggregate group_concat (with its state
-- function) and the trigger function last_updated. Models cannot declare functions, so the
-- rebuilt database gets them from a migration written by hand first, as an adopting project
-- would.

CREATE FUNCTION _group_concat(text, text) RETURNS text
    AS $_$
SELECT CASE
  WHEN $2 IS NULL THEN $1
  WHEN $1 IS NULL THEN $2
  ELSE $1 || ', ' || $2
END
$_$
    LANGUAGE sql IMMUTABLE;

CREATE AGGREGATE group_concat(text) (
    SFUNC = _group_concat,
    STYPE = text
);

CREATE FUNCTION last_updated() RETURNS trigger
    AS $$
BEGIN
    NEW.last_update = CURRENT_TIMESTAMP;
    RETURN NEW;
END $$
    LANGUAGE plpgsql;
