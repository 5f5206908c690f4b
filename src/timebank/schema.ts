/**
 * The time bank's gateway records: which organisations the regulator appointed coordinators, and the members
 * each coordinator admitted (a keyed member ref and its wallet, never a national ID). Balances and statuses
 * are the TimeBank contract's; these rows say only who may act for whom, and which job put them on chain.
 */
export const TIMEBANK_SQL = `
  CREATE TABLE timebank_coordinators (
    org_id         TEXT PRIMARY KEY REFERENCES organisations (org_id),
    licence_job_id INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    valid_until    INTEGER NOT NULL,
    appointed_at   TEXT NOT NULL
  ) STRICT;

  CREATE TABLE timebank_members (
    member_ref         TEXT PRIMARY KEY,
    pepper_version     INTEGER NOT NULL,
    coordinator_org_id TEXT NOT NULL REFERENCES timebank_coordinators (org_id),
    wallet             TEXT NOT NULL UNIQUE,
    custody            TEXT NOT NULL CHECK (custody IN ('custodial', 'self')),
    admit_job_id       INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    created_at         TEXT NOT NULL
  ) STRICT;
  CREATE INDEX timebank_members_by_coordinator ON timebank_members (coordinator_org_id);

  -- Services a coordinator opened for its members: open (waiting for the recipient's word), then confirmed
  -- by the recipient (its signature, or its PIN and custodial key: recordService), or logged on chain and
  -- confirmed by the coordinator (the recipient or the pool pays). chain_service_id is the TimeBank's id.
  CREATE TABLE timebank_services (
    service_id         TEXT PRIMARY KEY,
    idempotency_key    TEXT NOT NULL UNIQUE,
    coordinator_org_id TEXT NOT NULL REFERENCES timebank_coordinators (org_id),
    giver_ref          TEXT NOT NULL REFERENCES timebank_members (member_ref),
    recipient_ref      TEXT NOT NULL REFERENCES timebank_members (member_ref),
    duration           INTEGER NOT NULL CHECK (duration > 0),
    category           INTEGER NOT NULL,
    evidence_hash      TEXT NOT NULL,
    deadline           INTEGER NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('open', 'logged', 'confirmed')),
    confirmed_by       TEXT CHECK (confirmed_by IN ('wallet', 'pin', 'sms', 'coordinator', 'pool')),
    chain_service_id   TEXT,
    log_job_id         INTEGER REFERENCES chain_jobs (job_id),
    confirm_job_id     INTEGER REFERENCES chain_jobs (job_id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
  ) STRICT;
  CREATE INDEX timebank_services_by_coordinator ON timebank_services (coordinator_org_id, state);

  -- A custodial member's phone, for SMS codes: sealed under the member's own data key (wrapped by the master
  -- key), as the households' vault does; deleting the key erases it.
  CREATE TABLE timebank_vault_keys (
    member_ref  TEXT PRIMARY KEY REFERENCES timebank_members (member_ref),
    key_version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at  TEXT NOT NULL
  ) STRICT;
  CREATE TABLE timebank_vault (
    member_ref TEXT PRIMARY KEY REFERENCES timebank_members (member_ref),
    ciphertext BLOB NOT NULL,
    iv         BLOB NOT NULL,
    tag        BLOB NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  -- SMS codes bound to one service, kept as the delivery room keeps its own (a keyed hash, tries, expiry).
  CREATE TABLE timebank_otps (
    otp_id      TEXT PRIMARY KEY,
    service_id  TEXT NOT NULL REFERENCES timebank_services (service_id),
    key_version INTEGER NOT NULL,
    code_hash   TEXT NOT NULL CHECK (length(code_hash) = 64),
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
  ) STRICT;
  CREATE INDEX timebank_otps_by_service ON timebank_otps (service_id, created_at);
`;

/**
 * Members' own sign-in (migration 31). A member holds no API key: its coordinator, who checked who it is,
 * makes it a one-time link; the link's token is stored only as a keyed hash (HMAC with the pepper), spent
 * once, within minutes. Spending it opens a member session: a bearer token for the member's API routes and
 * the member page's cookie, stored as a SHA-256 (256 random bits, so an unkeyed hash suffices, as for the pages'
 * sessions), with its own CSRF token. A session acts for that one member only; removing the member ends its
 * sessions and unspent links.
 */
export const MEMBER_SESSIONS_SQL = `
  CREATE TABLE member_login_links (
    token_hash         TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    pepper_version     INTEGER NOT NULL,
    member_ref         TEXT NOT NULL REFERENCES timebank_members (member_ref),
    coordinator_org_id TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    used_at            TEXT
  ) STRICT;
  CREATE INDEX member_login_links_by_expiry ON member_login_links (expires_at);
  CREATE INDEX member_login_links_by_member ON member_login_links (member_ref);

  CREATE TABLE member_sessions (
    session_hash TEXT PRIMARY KEY CHECK (length(session_hash) = 64),
    member_ref   TEXT NOT NULL REFERENCES timebank_members (member_ref),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX member_sessions_by_expiry ON member_sessions (expires_at);
  CREATE INDEX member_sessions_by_member ON member_sessions (member_ref);
`;
