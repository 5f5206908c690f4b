/** Programmes as the gateway knows them: the on-chain id plus what only the gateway holds (name, rule). */
export const PROGRAMMES_SQL = `
  CREATE TABLE programme_requests (
    request_id      TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organisations (org_id),
    idempotency_key TEXT NOT NULL,
    params_json     TEXT NOT NULL,
    job_id          INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    programme_id    INTEGER,
    created_at      TEXT NOT NULL,
    UNIQUE (org_id, idempotency_key)
  ) STRICT;

  CREATE TABLE programmes (
    programme_id  INTEGER PRIMARY KEY,
    request_id    TEXT NOT NULL UNIQUE REFERENCES programme_requests (request_id),
    org_id        TEXT NOT NULL REFERENCES organisations (org_id),
    name          TEXT NOT NULL,
    layer         TEXT NOT NULL,
    category      INTEGER NOT NULL,
    group_id      INTEGER NOT NULL,
    period_length INTEGER NOT NULL,
    cap           TEXT NOT NULL,
    min_gift      TEXT NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    rule_json     TEXT,
    created_at    TEXT NOT NULL
  ) STRICT;

  CREATE TABLE gifts (
    gift_id       INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL REFERENCES programmes (programme_id),
    org_id        TEXT NOT NULL REFERENCES organisations (org_id),
    amount        TEXT NOT NULL,
    donor_ref     TEXT,
    job_id        INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    created_at    TEXT NOT NULL
  ) STRICT;
`;

/**
 * Migration 8: a programme's earmark purposes (a fixed list chosen at creation, never free text), and what
 * the gateway asked for with each gift that the chain's event does not say: the purpose and the pepper
 * version of the donor's keyed reference.
 */
export const EARMARKS_AND_GIFT_REQUESTS_SQL = `
  ALTER TABLE programmes ADD COLUMN earmarks_json TEXT NOT NULL DEFAULT '[]';

  CREATE TABLE gift_requests (
    job_id               INTEGER PRIMARY KEY REFERENCES chain_jobs (job_id),
    programme_id         INTEGER NOT NULL REFERENCES programmes (programme_id),
    earmark              TEXT,
    donor_pepper_version INTEGER,
    created_at           TEXT NOT NULL
  ) STRICT;

  ALTER TABLE gifts ADD COLUMN earmark TEXT;
  ALTER TABLE gifts ADD COLUMN donor_pepper_version INTEGER;
`;
