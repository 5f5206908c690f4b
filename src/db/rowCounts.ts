import type { Database } from "better-sqlite3";
import { cachedStatement } from "./statements";

/**
 * Rows counted by status, kept by triggers in the transaction that writes each row, so that a count a
 * client polls is a read of a few counters whatever the size of the data. Counting on each request cost
 * time in proportion to the rows: a registration run's poll counted 774,000 rows in 300–500 ms at a
 * million households (so a client polling a run made its cost the square of its size), and the status
 * routes counted every household, registration and chain event on each call.
 *
 * Scopes:
 * - `disbursement:<id>`: a disbursement's rows;
 * - `registration:reg_<uuid>`: a registration run's rows, in the run of the job that carries each now (a
 *   retried or re-registered row moves with its job; rows of jobs queued before runs had ids count in none);
 * - `registrations`: every registration row; `households`: every household; `chain_events`: the events the
 *   indexer stored (status `stored`).
 */
export function rowCounts(db: Database, scope: string): Map<string, number> {
  const rows = cachedStatement(db, "SELECT status, n FROM row_counts WHERE scope = ?").all(scope) as {
    status: string;
    n: number;
  }[];
  return new Map(rows.map((row) => [row.status, row.n]));
}

/** The run of a registration row's job, as a scope (`registration:reg_<uuid>`), from the job's key. */
const RUN_SCOPE = "'registration:' || substr(j.idempotency_key, 10, 40)";
const RUN_JOB = "FROM chain_jobs j WHERE j.idempotency_key GLOB 'register:reg_*' AND j.job_id =";

/** Adds the new registration row to the run of its job (a job with no run adds it to none). */
const ADD_NEW_TO_RUN = `INSERT INTO row_counts (scope, status, n) SELECT ${RUN_SCOPE}, NEW.status, 1 ${RUN_JOB} NEW.job_id
      ON CONFLICT (scope, status) DO UPDATE SET n = n + 1;`;

/** SQL that adds one to `scope`'s `status` (both SQL expressions). */
const add = (scope: string, status: string) =>
  `INSERT INTO row_counts (scope, status, n) VALUES (${scope}, ${status}, 1)
      ON CONFLICT (scope, status) DO UPDATE SET n = n + 1;`;
/** SQL that takes one from `scope`'s `status`. */
const take = (scope: string, status: string) =>
  `UPDATE row_counts SET n = n - 1 WHERE scope = ${scope} AND status = ${status};`;

/**
 * Triggers that keep one scope's counts as rows of `table` come, change `status` and go; a table with no
 * status column (`status` null) counts its rows under `stored`.
 */
function countedTable(
  table: string,
  scope: (row: "NEW" | "OLD") => string,
  status: string | null = "status",
) {
  const of = (row: "NEW" | "OLD") => (status === null ? "'stored'" : `${row}.${status}`);
  const changes =
    status === null
      ? ""
      : `CREATE TRIGGER ${table}_recounted AFTER UPDATE OF ${status} ON ${table} WHEN OLD.${status} IS NOT NEW.${status} BEGIN
    ${take(scope("OLD"), of("OLD"))}
    ${add(scope("NEW"), of("NEW"))}
  END;`;
  return `
  CREATE TRIGGER ${table}_counted AFTER INSERT ON ${table} BEGIN
    ${add(scope("NEW"), of("NEW"))}
  END;
  ${changes}
  CREATE TRIGGER ${table}_uncounted AFTER DELETE ON ${table} BEGIN
    ${take(scope("OLD"), of("OLD"))}
  END;`;
}

export const ROW_COUNTS_SQL = `
  CREATE TABLE row_counts (
    scope  TEXT NOT NULL CHECK (scope GLOB 'disbursement:*' OR scope GLOB 'registration:reg_*'
                                OR scope IN ('registrations', 'households', 'chain_events')),
    status TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scope, status)
  ) STRICT, WITHOUT ROWID;

  INSERT INTO row_counts (scope, status, n)
    SELECT 'disbursement:' || disbursement_id, status, count(*) FROM disbursement_rows GROUP BY disbursement_id, status;
  INSERT INTO row_counts (scope, status, n)
    SELECT ${RUN_SCOPE}, r.status, count(*) FROM chain_registrations r JOIN chain_jobs j ON j.job_id = r.job_id
    WHERE j.idempotency_key GLOB 'register:reg_*' GROUP BY 1, 2;
  INSERT INTO row_counts (scope, status, n)
    SELECT 'registrations', status, count(*) FROM chain_registrations GROUP BY status;
  INSERT INTO row_counts (scope, status, n) SELECT 'households', status, count(*) FROM households GROUP BY status;
  INSERT INTO row_counts (scope, status, n) SELECT 'chain_events', 'stored', count(*) FROM chain_events WHERE true
    HAVING count(*) > 0;
  ${countedTable("disbursement_rows", (row) => `'disbursement:' || ${row}.disbursement_id`)}
  ${countedTable("households", () => "'households'")}
  ${countedTable("chain_events", () => "'chain_events'", null)}

  -- A registration row counts in its run and in every registration; it moves between runs with its job.
  CREATE TRIGGER chain_registrations_counted AFTER INSERT ON chain_registrations BEGIN
    ${add("'registrations'", "NEW.status")}
    ${ADD_NEW_TO_RUN}
  END;
  CREATE TRIGGER chain_registrations_recounted AFTER UPDATE OF status, job_id ON chain_registrations
    WHEN OLD.status IS NOT NEW.status OR OLD.job_id IS NOT NEW.job_id BEGIN
    ${take("'registrations'", "OLD.status")}
    ${add("'registrations'", "NEW.status")}
    ${take(`(SELECT ${RUN_SCOPE} ${RUN_JOB} OLD.job_id)`, "OLD.status")}
    ${ADD_NEW_TO_RUN}
  END;
  CREATE TRIGGER chain_registrations_uncounted AFTER DELETE ON chain_registrations BEGIN
    ${take("'registrations'", "OLD.status")}
    ${take(`(SELECT ${RUN_SCOPE} ${RUN_JOB} OLD.job_id)`, "OLD.status")}
  END;
`;
