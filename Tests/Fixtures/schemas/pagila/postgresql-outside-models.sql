-- The aggregate of Pagila's schema (pagila-schema.sql, MIT, see ../README.md) that its views
-- call: group_concat, with its state function. Models cannot declare aggregates, so the rebuilt
-- database gets it from a migration written by hand first, as an adopting project would; the state
-- function comes with it, since the aggregate needs it first (the models declare it too, and
-- autogenerate finds it already there).

CREATE FUNCTION public._group_concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $_$
SELECT CASE
  WHEN $2 IS NULL THEN $1
  WHEN $1 IS NULL THEN $2
  ELSE $1 || ', ' || $2
END
$_$;

CREATE AGGREGATE public.group_concat(text) (
    SFUNC = public._group_concat,
    STYPE = text
);
