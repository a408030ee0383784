-- The join writer's "already in the room?" check now uses the seed's (session_id, user_id) index and
-- reads is_active from the row. A third index on the same columns cost a random page write on every
-- join (measured with bench/join) and saved only a lookup in a page that is almost always cached.
DROP INDEX IF EXISTS live_session_participants_presence;
