-- Every join asks "is this user already in the room?" (session, user, is_active). With is_active
-- only in the table, each join read the user's newest participation row from a random table page:
-- under load that was a page-cache miss per join on the single join writer. Carrying is_active in
-- the (session, user, connection) index answers the question from the index alone; the index still
-- serves every lookup the narrower one did, as its prefix, so it replaces it.
CREATE INDEX live_session_participants_session_user_connection_active
    ON live_session_participants(session_id, user_id, connection_id, is_active);
DROP INDEX IF EXISTS live_session_participants_session_user_connection;
