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

/** A registration run's scope in `progress_counts` (`registration:reg_<uuid>`), from the keys of its jobs. */
const RUN_SCOPE = "'registration:' || substr(j.idempotency_key, 10, 40)";
const RUN_JOB = "FROM chain_jobs j WHERE j.idempotency_key GLOB 'register:reg_*' AND j.job_id =";
/** Counts the new row in the run of its job (jobs queued before runs had ids count in none). */
const ADD_NEW_TO_RUN = `INSERT INTO progress_counts (scope, status, n) SELECT ${RUN_SCOPE}, NEW.status, 1 ${RUN_JOB} NEW.job_id
      ON CONFLICT (scope, status) DO UPDATE SET n = n + 1;`;
/** Takes the old row out of the run of its job. */
const TAKE_OLD_FROM_RUN = `UPDATE progress_counts SET n = n - 1
      WHERE scope = (SELECT ${RUN_SCOPE} ${RUN_JOB} OLD.job_id) AND status = OLD.status;`;

/**
 * Rows of each disbursement and each registration run by status, kept by triggers in the transaction that
 * writes the rows, so a long job's progress is a read of a few counters. Counting the rows on each poll
 * cost time in proportion to the job: at 1,000,000 households a registration run's poll took about a
 * quarter of a second, and a client polling it through the run made its cost grow with the square of its
 * size. A registration row counts in the run of the job that carries it now (a retried or re-registered
 * row moves with its job), as the count it replaces did.
 */
export const PROGRESS_COUNTS_SQL = `
  CREATE TABLE progress_counts (
    scope  TEXT NOT NULL CHECK (scope GLOB 'disbursement:*' OR scope GLOB 'registration:reg_*'),
    status TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scope, status)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO progress_counts (scope, status, n)
    SELECT 'disbursement:' || disbursement_id, status, count(*) FROM disbursement_rows
    GROUP BY disbursement_id, status;
  INSERT INTO progress_counts (scope, status, n)
    SELECT ${RUN_SCOPE}, r.status, count(*) FROM chain_registrations r JOIN chain_jobs j ON j.job_id = r.job_id
    WHERE j.idempotency_key GLOB 'register:reg_*' GROUP BY 1, 2;

  CREATE TRIGGER disbursement_rows_counted AFTER INSERT ON disbursement_rows BEGIN
    INSERT INTO progress_counts (scope, status, n) VALUES ('disbursement:' || NEW.disbursement_id, NEW.status, 1)
      ON CONFLICT (scope, status) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER disbursement_rows_recounted AFTER UPDATE OF status ON disbursement_rows
    WHEN OLD.status IS NOT NEW.status BEGIN
    UPDATE progress_counts SET n = n - 1 WHERE scope = 'disbursement:' || OLD.disbursement_id AND status = OLD.status;
    INSERT INTO progress_counts (scope, status, n) VALUES ('disbursement:' || NEW.disbursement_id, NEW.status, 1)
      ON CONFLICT (scope, status) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER disbursement_rows_uncounted AFTER DELETE ON disbursement_rows BEGIN
    UPDATE progress_counts SET n = n - 1 WHERE scope = 'disbursement:' || OLD.disbursement_id AND status = OLD.status;
  END;

  CREATE TRIGGER chain_registrations_counted AFTER INSERT ON chain_registrations BEGIN
    ${ADD_NEW_TO_RUN}
  END;
  CREATE TRIGGER chain_registrations_recounted AFTER UPDATE OF status, job_id ON chain_registrations
    WHEN OLD.status IS NOT NEW.status OR OLD.job_id IS NOT NEW.job_id BEGIN
    ${TAKE_OLD_FROM_RUN}
    ${ADD_NEW_TO_RUN}
  END;
  CREATE TRIGGER chain_registrations_uncounted AFTER DELETE ON chain_registrations BEGIN
    ${TAKE_OLD_FROM_RUN}
  END;
`;
