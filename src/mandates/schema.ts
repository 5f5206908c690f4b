/**
 * The premium mandates' gateway records (nazr-e bimeh), migration 24. A mandate is proposed for a household,
 * accepted once by a member (its own wallet, or its custodial wallet after a PIN or SMS code) and revoked by any
 * member; the chain (PremiumMandates) holds what was accepted and revoked, these rows who proposed it, which
 * jobs put it there and the premiums redeemed under it. People appear only as keyed references.
 */
export const MANDATES_SQL = `
  CREATE TABLE premium_mandates (
    mandate_key      TEXT PRIMARY KEY,               -- mdt_<uuid>: the gateway's id, known before the chain's
    idempotency_key  TEXT NOT NULL,
    proposer_org_id  TEXT NOT NULL REFERENCES organisations (org_id),
    programme_id     INTEGER NOT NULL,
    household_ref    TEXT NOT NULL CHECK (length(household_ref) = 66),
    beneficiary_ref  TEXT NOT NULL CHECK (length(beneficiary_ref) = 66), -- the member whose wallet signs
    insurer_org_id   TEXT NOT NULL REFERENCES organisations (org_id),
    insurer_address  TEXT NOT NULL CHECK (insurer_address = lower(insurer_address)),
    premium          TEXT NOT NULL CHECK (premium GLOB '[0-9]*'),         -- per period, token base units
    first_period     INTEGER NOT NULL,
    last_period      INTEGER NOT NULL CHECK (last_period >= first_period),
    receipt_index    INTEGER NOT NULL,
    nonce            TEXT NOT NULL CHECK (nonce GLOB '[0-9]*'),
    deadline         INTEGER NOT NULL,                                     -- acceptance, Unix seconds
    state            TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'revoked')),
    mandate_id       TEXT UNIQUE,                    -- PremiumMandates' id (the EIP-712 digest), once accepted
    accepted_channel TEXT CHECK (accepted_channel IN ('wallet', 'pin', 'sms')),
    signature        TEXT,
    accept_job_id    INTEGER REFERENCES chain_jobs (job_id),
    revoked_by       TEXT,
    revoke_channel   TEXT CHECK (revoke_channel IN ('wallet', 'pin', 'sms')),
    revoke_job_id    INTEGER REFERENCES chain_jobs (job_id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (proposer_org_id, idempotency_key)
  ) STRICT;
  CREATE INDEX premium_mandates_by_household ON premium_mandates (household_ref, programme_id);
  CREATE INDEX premium_mandates_by_insurer ON premium_mandates (insurer_org_id, created_at);

  -- Each premium is a delivery (its row in deliveries, redeemed by the ordinary redemption jobs); this says
  -- which mandate and period it is, and whether the household has been told it is insured this period.
  CREATE TABLE mandate_premiums (
    delivery_id  TEXT PRIMARY KEY REFERENCES deliveries (delivery_id),
    mandate_key  TEXT NOT NULL REFERENCES premium_mandates (mandate_key),
    period       INTEGER NOT NULL,
    notice       TEXT NOT NULL DEFAULT 'waiting' CHECK (notice IN ('waiting', 'pending', 'sent', 'no_phone')),
    noticed_at   TEXT
  ) STRICT;
  CREATE INDEX mandate_premiums_by_mandate ON mandate_premiums (mandate_key, period);
  CREATE INDEX mandate_premiums_by_notice ON mandate_premiums (notice);

  -- SMS codes, each bound to one mandate and one purpose (\`<mandate_key>:accept\` or \`:revoke\`), kept as the
  -- delivery room keeps its own: a keyed hash, five tries, five minutes.
  CREATE TABLE mandate_otps (
    otp_id      TEXT PRIMARY KEY,
    subject_key TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    code_hash   TEXT NOT NULL CHECK (length(code_hash) = 64),
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
  ) STRICT;
  CREATE INDEX mandate_otps_by_subject ON mandate_otps (subject_key, created_at);
`;
