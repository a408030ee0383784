-- Seed 7.2: a Jitsi class's own whiteboard. One board per class; its elements are Excalidraw's, one
-- row each (the element's kept fields as JSON), stamped with the board version that last changed it so
-- that a page asks only for what changed since it last looked.
CREATE TABLE live_whiteboards (
    session_id TEXT PRIMARY KEY REFERENCES live_sessions(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    board_id TEXT NOT NULL UNIQUE,
    version BIGINT NOT NULL DEFAULT 0,
    element_count INTEGER NOT NULL DEFAULT 0,
    body_bytes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE live_whiteboard_elements (
    board_id TEXT NOT NULL REFERENCES live_whiteboards(board_id) ON DELETE CASCADE,
    element_id TEXT NOT NULL,
    type TEXT NOT NULL,
    version BIGINT NOT NULL,
    version_nonce BIGINT NOT NULL,
    is_deleted INTEGER NOT NULL,
    z_index TEXT NOT NULL,
    board_version BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (board_id, element_id)
);
CREATE INDEX live_whiteboard_elements_changes ON live_whiteboard_elements(board_id, board_version);
