/**
 * Migration 10: evidence metadata, the file keys wrapped per organisation, and each organisation's
 * X25519 evidence key (private half sealed under the keystore key). No personal data: a row names the
 * programme, the uploading organisation, the media type, the size, the CID of the ciphertext and the
 * salted evidence hash. The plaintext and its key are never stored in clear anywhere.
 */
export const EVIDENCE_SQL = `
  CREATE TABLE evidence (
    evidence_id   TEXT PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES programmes (programme_id),
    uploaded_by   TEXT NOT NULL REFERENCES organisations (org_id),
    media_type    TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size          INTEGER NOT NULL CHECK (size > 0),
    cid           TEXT NOT NULL,
    evidence_hash TEXT NOT NULL CHECK (length(evidence_hash) = 66 AND evidence_hash GLOB '0x*'),
    store         TEXT NOT NULL CHECK (store IN ('helia', 'kubo')),
    created_at    TEXT NOT NULL
  ) STRICT;
  CREATE INDEX evidence_by_programme ON evidence (programme_id, created_at);
  CREATE INDEX evidence_by_cid ON evidence (cid);

  CREATE TABLE evidence_org_keys (
    org_id         TEXT PRIMARY KEY REFERENCES organisations (org_id),
    public_key     BLOB NOT NULL CHECK (length(public_key) = 32),
    key_version    INTEGER NOT NULL,
    sealed_private BLOB NOT NULL,
    created_at     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE evidence_key_wraps (
    evidence_id TEXT NOT NULL REFERENCES evidence (evidence_id),
    org_id      TEXT NOT NULL REFERENCES organisations (org_id),
    wrapped     BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (evidence_id, org_id)
  ) STRICT;
`;
