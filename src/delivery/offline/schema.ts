/**
 * The offline upload's tables, registered in migration 14 by the db room.
 *
 * Privacy: the gateway's X25519 private key is kept sealed with the keystore key (never in clear); an
 * upload's items keep only the delivery, the device's time and the outcome (a code and a fixed sentence),
 * never a PIN, sealed or not.
 */
export const OFFLINE_SQL = `
  CREATE TABLE offline_keys (
    key_id      TEXT PRIMARY KEY,                       -- okey_<uuid>
    public_key  TEXT NOT NULL,                          -- raw X25519, base64url
    key_version INTEGER NOT NULL,                       -- keystore key version that sealed it
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL
  ) STRICT;

  CREATE TABLE offline_uploads (
    upload_id       TEXT PRIMARY KEY,                   -- oup_<uuid>
    vendor_org_id   TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    item_count      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (vendor_org_id, idempotency_key)
  ) STRICT;

  CREATE TABLE offline_upload_items (
    upload_id           TEXT NOT NULL REFERENCES offline_uploads (upload_id),
    position            INTEGER NOT NULL,
    delivery_id         TEXT NOT NULL,
    accepted_offline_at TEXT NOT NULL,                  -- the device's time of the acceptance
    outcome             TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
    code                TEXT,
    message             TEXT,
    PRIMARY KEY (upload_id, position)
  ) STRICT;
  CREATE INDEX offline_upload_items_by_delivery ON offline_upload_items (delivery_id);
`;

/**
 * The offline packs' tables, registered in migration 16 by the db room.
 *
 * Privacy: a pack names households only by their keyed reference; the gateway keeps which receipt nonces it
 * reserved to which device, never what the pack said about balances or wallets (those are read again at
 * upload). The Ed25519 signing key is kept sealed with the keystore key, as the PIN key is.
 */
export const OFFLINE_PACK_SQL = `
  CREATE TABLE offline_pack_keys (
    key_id      TEXT PRIMARY KEY,                       -- opk_<uuid>
    public_key  TEXT NOT NULL,                          -- raw Ed25519, base64url
    key_version INTEGER NOT NULL,                       -- keystore key version that sealed it
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL
  ) STRICT;

  CREATE TABLE offline_packs (
    pack_id       TEXT PRIMARY KEY,                     -- opack_<uuid>
    vendor_org_id TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    programme_id  INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    households    INTEGER NOT NULL,
    issued_at     TEXT NOT NULL,
    valid_until   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX offline_packs_by_device ON offline_packs (vendor_org_id, device_id, issued_at);

  -- Receipt nonces a device may use while offline: each (programme, household, nonce) reserved to one
  -- device of one vendor, so no online delivery and no other device ever takes it.
  CREATE TABLE offline_nonce_reservations (
    programme_id  INTEGER NOT NULL,
    household_ref TEXT NOT NULL CHECK (length(household_ref) = 66),
    nonce         TEXT NOT NULL CHECK (nonce GLOB '[0-9]*'),
    period        INTEGER NOT NULL,
    vendor_org_id TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    pack_id       TEXT NOT NULL REFERENCES offline_packs (pack_id),
    reserved_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, household_ref, nonce)
  ) STRICT;
  CREATE INDEX offline_nonce_reservations_by_device
    ON offline_nonce_reservations (vendor_org_id, device_id, programme_id, period);
`;
