/** Organisations the gateway operates keys for: charities, vendors, field agents, auditors, donors. */
export const ORGANISATIONS_SQL = `
  CREATE TABLE organisations (
    org_id         TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('charity', 'vendor', 'field_agent', 'auditor', 'registrar', 'donor')),
    address        TEXT NOT NULL UNIQUE,
    layers         INTEGER NOT NULL,
    categories     TEXT NOT NULL,
    valid_until    INTEGER,
    licence_job_id INTEGER REFERENCES chain_jobs (job_id),
    created_at     TEXT NOT NULL
  ) STRICT;
`;

/**
 * Which organisation each registration's idempotency key made (migration 27), so a repeated request answers
 * it instead of registering a second one.
 */
export const ORGANISATION_REQUESTS_SQL = `
  CREATE TABLE organisation_requests (
    idempotency_key TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL UNIQUE REFERENCES organisations (org_id),
    created_at      TEXT NOT NULL
  ) STRICT;
`;
