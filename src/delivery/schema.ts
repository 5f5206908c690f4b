/**
 * The delivery room's tables, registered as migration 12 by the db room.
 *
 * Privacy: households and people appear only as keyed references; what was delivered is a code from a
 * fixed list (never free text); an SMS code is kept only as an HMAC under a key derived from the keystore
 * key, which never sits in the database; signatures are public values (the chain gets them anyway).
 */
export const DELIVERY_SQL = `
  CREATE TABLE deliveries (
    delivery_id        TEXT PRIMARY KEY,            -- dlv_<uuid>
    idempotency_key    TEXT NOT NULL,
    programme_id       INTEGER NOT NULL,
    vendor_org_id      TEXT NOT NULL,
    vendor_address     TEXT NOT NULL CHECK (vendor_address = lower(vendor_address)),
    household_ref      TEXT NOT NULL CHECK (length(household_ref) = 66),
    beneficiary_ref    TEXT NOT NULL CHECK (length(beneficiary_ref) = 66), -- the receipt's signer
    amount             TEXT NOT NULL CHECK (amount GLOB '[0-9]*'),          -- token base units
    item               TEXT NOT NULL,                                       -- a code of DELIVERY_ITEMS
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    evidence_hash      TEXT NOT NULL CHECK (length(evidence_hash) = 66),
    period             INTEGER NOT NULL,
    nonce              TEXT NOT NULL CHECK (nonce GLOB '[0-9]*'),
    deadline           INTEGER NOT NULL,                                    -- Unix seconds
    digest             TEXT NOT NULL UNIQUE,                                -- EIP-712 digest = redemption id
    state              TEXT NOT NULL CHECK (state IN
                         ('open', 'awaiting_cosign', 'accepted', 'redeemed', 'refused', 'disputed')),
    channel            TEXT CHECK (channel IN ('wallet', 'sms', 'pin', 'ussd')),
    accepted_by        TEXT,
    beneficiary_sig    TEXT,
    field_agent_org_id TEXT,
    field_agent_sig    TEXT,
    redeem_job_id      INTEGER REFERENCES chain_jobs (job_id),
    tx_hash            TEXT,
    block_number       INTEGER,
    refusal_name       TEXT,
    refusal_args       TEXT,
    flag_job_id        INTEGER REFERENCES chain_jobs (job_id),
    flag_state         TEXT CHECK (flag_state IN ('queued', 'flagged', 'refused')),
    flagged_by         TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (vendor_org_id, idempotency_key)
  ) STRICT;
  -- One receipt nonce per delivery of a household in a programme: open receipts never share one.
  CREATE UNIQUE INDEX deliveries_one_nonce ON deliveries (programme_id, household_ref, nonce);
  CREATE INDEX deliveries_by_household ON deliveries (household_ref, state);
  CREATE INDEX deliveries_by_vendor ON deliveries (vendor_org_id, created_at);
  CREATE INDEX deliveries_by_programme ON deliveries (programme_id, created_at);
  CREATE INDEX deliveries_by_redeem_job ON deliveries (redeem_job_id);
  CREATE INDEX deliveries_by_flag_job ON deliveries (flag_job_id);

  -- One-time SMS codes, each bound to one delivery: only a keyed hash, a few tries, a short life.
  CREATE TABLE delivery_otps (
    otp_id       TEXT PRIMARY KEY,                  -- otp_<uuid>
    delivery_id  TEXT NOT NULL REFERENCES deliveries (delivery_id),
    key_version  INTEGER NOT NULL,
    code_hash    TEXT NOT NULL CHECK (length(code_hash) = 64),
    attempts     INTEGER NOT NULL DEFAULT 0,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    created_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX delivery_otps_by_delivery ON delivery_otps (delivery_id, created_at);

  -- The household file's own ledger: every delivery the household accepted, and what became of it.
  CREATE TABLE household_receipts (
    delivery_id    TEXT PRIMARY KEY REFERENCES deliveries (delivery_id),
    household_ref  TEXT NOT NULL,
    programme_id   INTEGER NOT NULL,
    vendor_org_id  TEXT NOT NULL,
    item           TEXT NOT NULL,
    quantity       INTEGER NOT NULL,
    amount         TEXT NOT NULL,
    redemption_id  TEXT NOT NULL,
    accepted_at    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('accepted', 'redeemed', 'refused', 'disputed')),
    tx_hash        TEXT,
    block_number   INTEGER,
    redeemed_at    TEXT
  ) STRICT;
  CREATE INDEX household_receipts_by_household ON household_receipts (household_ref, accepted_at);
`;

/**
 * Migration 26: a dispute's whole path. The household's reason (a code of `DISPUTE_REASONS`, as it went on
 * chain with a flag), the charity's answer (a code and an optional evidence CID, never free text), and an
 * auditor's or the regulator's resolution of the flag (`resolveFlag`), queued in the outbox; its
 * transaction is filled in as the chain confirms it, and a resolution the chain refused is removed.
 */
export const DISPUTE_SQL = `
  ALTER TABLE deliveries ADD COLUMN dispute_reason TEXT
    CHECK (dispute_reason IN ('not_received', 'wrong_amount', 'wrong_item', 'poor_quality'));

  CREATE TABLE dispute_answers (
    delivery_id   TEXT PRIMARY KEY REFERENCES deliveries (delivery_id),
    answer        TEXT NOT NULL CHECK (answer IN ('redelivered', 'vendor_at_fault', 'household_mistaken', 'other')),
    evidence_cid  TEXT,
    answered_by   TEXT NOT NULL,                    -- the programme's charity (org id)
    answered_key  TEXT NOT NULL,                    -- the API key or web session's key that answered
    answered_at   TEXT NOT NULL
  ) STRICT;

  CREATE TABLE flag_resolutions (
    delivery_id   TEXT PRIMARY KEY REFERENCES deliveries (delivery_id),
    job_id        INTEGER NOT NULL UNIQUE REFERENCES chain_jobs (job_id),
    upheld        INTEGER NOT NULL CHECK (upheld IN (0, 1)),
    report_cid    TEXT,
    held          TEXT NOT NULL CHECK (held GLOB '[0-9]*'), -- base units the flag held (SettlementHeld)
    resolved_by   TEXT NOT NULL,                    -- the auditor's org id, or the regulator's
    resolver_role TEXT NOT NULL CHECK (resolver_role IN ('auditor', 'regulator')),
    requested_at  TEXT NOT NULL,
    tx_hash       TEXT,
    block_number  INTEGER
  ) STRICT;
`;
