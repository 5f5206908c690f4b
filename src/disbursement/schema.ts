/**
 * On-chain registration of enrolled people, and disbursements with a status per row. Rows name households
 * by reference only: a CSV's national IDs are turned into references as they are read and never stored.
 */
export const DISBURSEMENT_SQL = `
  CREATE TABLE chain_registrations (
    beneficiary_ref TEXT PRIMARY KEY REFERENCES members (beneficiary_ref),
    household_ref   TEXT NOT NULL,
    wallet          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'registered', 'failed')),
    job_id          INTEGER REFERENCES chain_jobs (job_id),
    error_name      TEXT,
    updated_at      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX chain_registrations_by_job ON chain_registrations (job_id);

  CREATE TABLE disbursements (
    disbursement_id TEXT PRIMARY KEY,
    programme_id    INTEGER NOT NULL REFERENCES programmes (programme_id),
    org_id          TEXT NOT NULL REFERENCES organisations (org_id),
    idempotency_key TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('csv', 'eligible')),
    period          INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (org_id, idempotency_key)
  ) STRICT;

  CREATE TABLE disbursement_rows (
    disbursement_id TEXT NOT NULL REFERENCES disbursements (disbursement_id),
    row_no          INTEGER NOT NULL,
    household_ref   TEXT,
    beneficiary_ref TEXT,
    amount          TEXT,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'issued', 'invalid', 'not_enrolled', 'not_registered',
                      'already_covered', 'duplicate_in_file', 'refused')),
    error_field     TEXT,
    error_code      TEXT,
    job_id          INTEGER REFERENCES chain_jobs (job_id),
    PRIMARY KEY (disbursement_id, row_no)
  ) STRICT;
  CREATE INDEX disbursement_rows_by_job ON disbursement_rows (job_id);
  -- A household appears at most once per disbursement; across disbursements the overlap guard decides.
  CREATE UNIQUE INDEX disbursement_rows_once ON disbursement_rows (household_ref, disbursement_id);
`;

/**
 * Who started each registration run, and when: the charity's pages list its own runs, and a run's progress
 * is read by the organisation that started it (the registrar and auditors read every run). `org_id` is null
 * for a run of every organisation's households (the demo seed). Runs started before this table have no row:
 * only the registrar and auditors read them.
 */
export const REGISTRATION_RUNS_SQL = `
  CREATE TABLE registration_runs (
    registration_id TEXT PRIMARY KEY CHECK (registration_id GLOB 'reg_*'),
    org_id          TEXT,
    heads           INTEGER NOT NULL,
    created_at      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX registration_runs_by_org ON registration_runs (org_id);
  -- The charity's disbursements newest first, a page at a time from a cursor (rowid, in this index).
  CREATE INDEX disbursements_by_org ON disbursements (org_id);
`;
