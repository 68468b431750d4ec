-- The trigger function of Synapse's PostgreSQL schema (full_schemas/72/full.sql.postgres,
-- Apache-2.0, see ../README.md) that its trigger check_partial_state_events calls. Models
-- cannot declare functions, so the rebuilt database gets it from a migration written by hand
-- first, as an adopting project would.

CREATE FUNCTION check_partial_state_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
            BEGIN
                IF EXISTS (
                    SELECT 1 FROM events
                    WHERE events.event_id = NEW.event_id
                       AND events.room_id != NEW.room_id
                ) THEN
                    RAISE EXCEPTION 'Incorrect room_id in partial_state_events';
                END IF;
                RETURN NEW;
            END;
            $$;
