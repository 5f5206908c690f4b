/**
 * Web sessions, registered as migration 19 by the db room: a page login exchanges an API key for one.
 * Only a SHA-256 of the session id is stored (the cookie holds the id), so a copy of the database
 * cannot be replayed as a cookie; the CSRF token is per session. Each row names the key it came from,
 * and a session ends when that key is revoked.
 */
export const WEB_SESSIONS_SQL = `
  CREATE TABLE web_sessions (
    session_hash TEXT PRIMARY KEY CHECK (length(session_hash) = 64),
    key_id       TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    role         TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
`;

/**
 * One-time login links (migration 27): a link's token is stored only as a keyed hash (HMAC with the
 * pepper, its version beside it), so neither a copy of the database nor its backup can be turned into a
 * working link. Each row names the API key the link signs in as (its sessions end when that key is
 * revoked), expires minutes after it was made, and is spent once (`used_at`).
 */
export const LOGIN_LINKS_SQL = `
  CREATE TABLE login_links (
    token_hash     TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    pepper_version INTEGER NOT NULL,
    key_id         TEXT NOT NULL,
    org_id         TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT
  ) STRICT;
  CREATE INDEX login_links_by_expiry ON login_links (expires_at);
`;
