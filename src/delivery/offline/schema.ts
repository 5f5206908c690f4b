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
