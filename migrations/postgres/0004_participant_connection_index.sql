-- Provider webhooks pair a join with its leave by (session, user, connection). With only
-- (session_id, user_id) indexed, each event read every earlier row of that user in the class, and a
-- student who reconnects a lot (or a long class fed by webhooks) made every event slower. The wider
-- index still serves every (session_id, user_id) lookup as its prefix, so it replaces the old one.
CREATE INDEX live_session_participants_session_user_connection
    ON live_session_participants(session_id, user_id, connection_id);
DROP INDEX IF EXISTS live_session_participants_session_user;
