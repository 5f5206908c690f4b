/**
 * USSD sessions (migration 13). A session is known by a keyed fingerprint of the aggregator's session id
 * and the caller by their keyed phone ref: neither the number nor anything typed (a PIN) is stored.
 * `screen` is the menu's state as JSON (which menu, which page, which delivery); `consumed` counts the
 * `*`-separated inputs already handled, since the aggregator resends the whole text each time.
 * A session that ended stays (marked `ended`) until its timeout has long passed, so an aggregator's retry of
 * the last callback is not replayed into a new menu where the same keys would choose another delivery.
 * `ussd_languages` remembers the language a phone ref chose, for its next sessions.
 */
export const USSD_SQL = `
  CREATE TABLE ussd_sessions (
    session_ref     TEXT PRIMARY KEY CHECK (length(session_ref) = 64),
    phone_ref       TEXT NOT NULL CHECK (length(phone_ref) = 66 AND phone_ref GLOB '0x*'),
    household_ref   TEXT,
    beneficiary_ref TEXT,
    language        TEXT CHECK (language IN ('fa', 'en')),
    screen          TEXT NOT NULL,
    consumed        INTEGER NOT NULL,
    -- 1 once the menu answered END: later callbacks of the session are not replayed into the menu.
    ended           INTEGER NOT NULL DEFAULT 0 CHECK (ended IN (0, 1)),
    started_at      TEXT NOT NULL,
    expires_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX ussd_sessions_by_expiry ON ussd_sessions (expires_at);

  CREATE TABLE ussd_languages (
    phone_ref  TEXT PRIMARY KEY CHECK (length(phone_ref) = 66 AND phone_ref GLOB '0x*'),
    language   TEXT NOT NULL CHECK (language IN ('fa', 'en')),
    updated_at TEXT NOT NULL
  ) STRICT;
`;
