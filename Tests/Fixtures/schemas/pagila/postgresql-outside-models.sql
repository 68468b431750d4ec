-- The functions of Pagila's schema (pagila-schema.sql, MIT, see ../README.md) that its views and
-- triggers call: the aggregate group_concat (with its state function) and the trigger function
-- last_updated. Models cannot declare functions, so the rebuilt database gets them from a
-- migration written by hand first, as an adopting project would.

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

CREATE FUNCTION public.last_updated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.last_update = CURRENT_TIMESTAMP;
    RETURN NEW;
END $$;
