/**
 * The wallets room's tables, registered as a migration by the db room.
 *
 * Privacy: people appear only as keyed beneficiary references (0x + 64 hex). Private keys are stored
 * only sealed (AES-256-GCM under the keystore key), PINs only as peppered scrypt hashes, and nothing
 * here holds a national ID, name or phone number. Addresses are lower-case so one wallet is one string.
 */
export const WALLETS_SQL = `
  -- Private keys the gateway holds: its operator accounts, organisations' accounts and the custodial
  -- wallets of people without a smartphone.
  CREATE TABLE keys (
    address     TEXT PRIMARY KEY CHECK (length(address) = 42 AND address GLOB '0x*' AND address = lower(address)),
    purpose     TEXT NOT NULL CHECK (purpose IN ('operator', 'organisation', 'custodial')),
    owner       TEXT NOT NULL,    -- an organisation id or a beneficiary ref, never personal data
    key_version INTEGER NOT NULL, -- the keystore key version that sealed it, for rotation
    sealed      BLOB NOT NULL CHECK (length(sealed) = 60), -- iv (12) || tag (16) || AES-256-GCM(key) (32), AAD = address
    created_at  TEXT NOT NULL
  ) STRICT;
  CREATE INDEX keys_by_owner ON keys (owner, purpose);
  CREATE INDEX keys_by_version ON keys (key_version);

  -- The wallet each beneficiary currently uses; the chain's BeneficiaryRegistry mirrors it.
  CREATE TABLE wallet_bindings (
    beneficiary_ref TEXT PRIMARY KEY CHECK (length(beneficiary_ref) = 66 AND beneficiary_ref GLOB '0x*'),
    -- Unique like on chain: one wallet serves one beneficiary.
    address         TEXT NOT NULL UNIQUE CHECK (length(address) = 42 AND address = lower(address)),
    custody         TEXT NOT NULL CHECK (custody IN ('self', 'custodial')),
    bound_at        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'))
  ) STRICT;

  -- Every binding and rebinding, append-only, so a lost or replaced wallet keeps its trail.
  CREATE TABLE wallet_binding_history (
    id               INTEGER PRIMARY KEY,
    beneficiary_ref  TEXT NOT NULL,
    previous_address TEXT,          -- NULL for the first binding
    new_address      TEXT NOT NULL,
    reason           TEXT NOT NULL, -- a short code (it goes on chain as bytes32), never free text
    at               TEXT NOT NULL
  ) STRICT;
  CREATE INDEX wallet_binding_history_by_ref ON wallet_binding_history (beneficiary_ref, id);

  -- Proof-of-control challenges for self-custodied wallets: single-use, expiring.
  CREATE TABLE wallet_challenges (
    challenge_id    TEXT PRIMARY KEY,
    beneficiary_ref TEXT NOT NULL,
    address         TEXT NOT NULL,
    nonce           TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
  ) STRICT;
  CREATE INDEX wallet_challenges_by_ref ON wallet_challenges (beneficiary_ref, address);

  -- What unlocks a custodial wallet. pin_hash is scrypt over an HMAC of the PIN with per-row salt.
  CREATE TABLE access_secrets (
    beneficiary_ref TEXT PRIMARY KEY CHECK (length(beneficiary_ref) = 66 AND beneficiary_ref GLOB '0x*'),
    pin_hash        TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
  ) STRICT;

  -- Every custodial signature, for the daily caps and for audit: the digest and amount, never the PIN.
  CREATE TABLE signing_log (
    id              INTEGER PRIMARY KEY,
    beneficiary_ref TEXT NOT NULL,
    address         TEXT NOT NULL,
    digest          TEXT NOT NULL UNIQUE, -- the EIP-712 digest; a retry of the same receipt is not a second signature
    amount          TEXT NOT NULL CHECK (amount GLOB '[0-9]*'), -- uint256 in decimal: too big for INTEGER
    method          TEXT NOT NULL CHECK (method IN ('pin', 'otp')),
    otp_id          TEXT UNIQUE,          -- one verified OTP authorises one signature
    at              TEXT NOT NULL
  ) STRICT;
  CREATE INDEX signing_log_by_ref ON signing_log (beneficiary_ref, at);
`;

/**
 * Migration 32. The keys' index by owner served no query, and every custodial wallet (one per registered
 * household, its owner a keyed reference) landed on a random page of it, rewritten by each registration
 * batch's commit. The one read by purpose (the operator's account, at every start, which scanned every
 * key) has a partial index of its own, which no custodial key enters.
 */
export const KEYS_INDEX_SQL = `
  DROP INDEX keys_by_owner;
  CREATE INDEX keys_operators ON keys (created_at) WHERE purpose = 'operator';
`;
