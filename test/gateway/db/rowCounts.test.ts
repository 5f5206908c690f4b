import { expect } from "chai";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { MIGRATIONS, migrate } from "../../../src/db";
import { getDisbursement, registrationCounts } from "../../../src/disbursement";
import { runProgress } from "../../../src/disbursement/registerOnChain";

/**
 * Issue 8, item 7: a long job's status route was polled through the job, and each poll counted the job's
 * rows, so a million-household run's polls cost a quarter of a second each and the run's cost grew with
 * the square of its size. Its rows by status are now counters the database keeps in the transaction that
 * changes a row (`ROW_COUNTS_SQL`, `src/db/rowCounts.ts`): these tests hold them to a recount, and hold the progress reads to
 * plans that read no row of the job.
 */
describe("row counters: a long job's progress and the status counts without counting rows", () => {
  /** The schema with foreign keys off, so rows need no households, programmes or organisations. */
  function database(migrations = MIGRATIONS): Database {
    const db = new BetterSqlite3(":memory:");
    db.pragma("foreign_keys = OFF");
    migrate(db, migrations);
    return db;
  }

  const RUNS = ["reg_00000000-0000-4000-8000-00000000000a", "reg_00000000-0000-4000-8000-00000000000b"];
  const DISBURSEMENTS = ["dsb_one", "dsb_two"];
  const REGISTRATION_STATUSES = ["queued", "registered", "failed"];
  const ROW_STATUSES = ["queued", "issued", "invalid", "not_enrolled", "already_covered", "refused"];

  /** A small seeded generator, so a failure names a sequence that can be run again. */
  function random(seed: number) {
    let state = seed >>> 0;
    const next = () => {
      state = (state * 1_664_525 + 1_013_904_223) >>> 0;
      return state / 2 ** 32;
    };
    return {
      below: (n: number) => Math.floor(next() * n),
      pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
    };
  }

  function addJob(db: Database, key: string, status = "queued"): number {
    return Number(
      db
        .prepare(
          `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
           VALUES (?, 'registry.register', '0xa', '0xb', '0x', ?, 'now', 'now')`,
        )
        .run(key, status).lastInsertRowid,
    );
  }

  /** What the counters replace: the rows counted by status, per run (through their jobs) and per disbursement. */
  function recount(db: Database): Record<string, number> {
    const counted: Record<string, number> = {};
    for (const row of db
      .prepare(
        `SELECT 'registration:' || substr(j.idempotency_key, 10, 40) AS scope, r.status, count(*) AS n
         FROM chain_registrations r JOIN chain_jobs j ON j.job_id = r.job_id
         WHERE j.idempotency_key GLOB 'register:reg_*' GROUP BY 1, 2
         UNION ALL
         SELECT 'disbursement:' || disbursement_id, status, count(*) FROM disbursement_rows GROUP BY 1, 2
         UNION ALL SELECT 'registrations', status, count(*) FROM chain_registrations GROUP BY 2
         UNION ALL SELECT 'households', status, count(*) FROM households GROUP BY 2
         UNION ALL SELECT 'chain_events', 'stored', count(*) FROM chain_events WHERE true HAVING count(*) > 0`,
      )
      .all() as { scope: string; status: string; n: number }[])
      counted[`${row.scope}/${row.status}`] = row.n;
    return counted;
  }

  function counters(db: Database): Record<string, number> {
    const kept: Record<string, number> = {};
    for (const row of db.prepare("SELECT scope, status, n FROM row_counts WHERE n > 0").all() as {
      scope: string;
      status: string;
      n: number;
    }[])
      kept[`${row.scope}/${row.status}`] = row.n;
    return kept;
  }

  /** The writes the gateway makes to both tables, chosen at random: every kind the triggers must follow. */
  function randomWrites(db: Database, seed: number, writes: number, check?: (step: number) => void) {
    const rng = random(seed);
    const jobs = [
      ...RUNS.flatMap((run) => [1, 2, 3].map((n) => addJob(db, `register:${run}:${seed}-${n}`))),
      addJob(db, `register:legacydigest${seed}`),
    ];
    const upsert = db.prepare(
      `INSERT INTO chain_registrations (beneficiary_ref, household_ref, wallet, status, job_id, updated_at)
       VALUES (?, ?, '0xw', 'queued', ?, 'now')
       ON CONFLICT (beneficiary_ref) DO UPDATE SET status = 'queued', job_id = excluded.job_id, updated_at = excluded.updated_at`,
    );
    const refs: string[] = [];
    const rows: { id: string; no: number }[] = [];
    for (let step = 0; step < writes; step++) {
      const kind = rng.below(11);
      if (kind === 0 || refs.length === 0) {
        const ref = `0x${String(seed * 100_000 + refs.length).padStart(64, "0")}`;
        refs.push(ref);
        upsert.run(ref, ref, rng.pick(jobs));
      } else if (kind === 1) {
        // Queued again, in another run's job or the same (a retry, or a later run re-registering it).
        upsert.run(rng.pick(refs), "0xh", rng.pick(jobs));
      } else if (kind === 2) {
        db.prepare("UPDATE chain_registrations SET status = ? WHERE beneficiary_ref = ?").run(
          rng.pick(REGISTRATION_STATUSES),
          rng.pick(refs),
        );
      } else if (kind === 3) {
        // A confirmed batch: every row of its job registered at once.
        db.prepare("UPDATE chain_registrations SET status = 'registered' WHERE job_id = ?").run(
          rng.pick(jobs),
        );
      } else if (kind === 4) {
        db.prepare("DELETE FROM chain_registrations WHERE beneficiary_ref = ?").run(rng.pick(refs));
      } else if (kind === 5 || rows.length === 0) {
        const row = { id: rng.pick(DISBURSEMENTS), no: seed * 100_000 + rows.length };
        rows.push(row);
        db.prepare(
          "INSERT INTO disbursement_rows (disbursement_id, row_no, household_ref, status) VALUES (?, ?, ?, ?)",
        ).run(row.id, row.no, `0x${row.no}`, rng.pick(ROW_STATUSES));
      } else if (kind === 6) {
        const row = rng.pick(rows);
        db.prepare("UPDATE disbursement_rows SET status = ? WHERE disbursement_id = ? AND row_no = ?").run(
          rng.pick(ROW_STATUSES),
          row.id,
          row.no,
        );
      } else if (kind === 7) {
        const row = rng.pick(rows);
        db.prepare("DELETE FROM disbursement_rows WHERE disbursement_id = ? AND row_no = ?").run(
          row.id,
          row.no,
        );
      } else if (kind === 8) {
        // Households: enrolled, shredded, or (in a test's clean-up) deleted.
        const ref = `0x${String(seed * 100_000 + rng.below(300)).padStart(64, "0")}`;
        const choice = rng.below(3);
        if (choice === 0)
          db.prepare(
            "INSERT OR IGNORE INTO households (household_ref, pepper_version, created_at) VALUES (?, 1, 'now')",
          ).run(ref);
        else if (choice === 1)
          db.prepare("UPDATE households SET status = 'shredded' WHERE household_ref = ?").run(ref);
        else db.prepare("DELETE FROM households WHERE household_ref = ?").run(ref);
      } else if (kind === 9) {
        // Events the indexer stores, some of them twice (ignored), and a reorganisation's rewind.
        db.prepare(
          `INSERT OR IGNORE INTO chain_events (tx_hash, log_index, block_number, contract, name, args_json)
           VALUES (?, ?, ?, '0xc', 'E', '{}')`,
        ).run(`0x${seed}${rng.below(40)}`, rng.below(3), rng.below(50));
      } else {
        db.prepare("DELETE FROM chain_events WHERE block_number >= ?").run(45 + rng.below(5));
      }
      check?.(step);
    }
  }

  function addDisbursements(db: Database) {
    for (const id of DISBURSEMENTS)
      db.prepare(
        "INSERT INTO disbursements (disbursement_id, programme_id, period, source, created_at, org_id, idempotency_key) VALUES (?, 1, 1, 'csv', 'now', 'org', ?)",
      ).run(id, id);
  }

  it("keeps each run's, each disbursement's and the whole tables' counts equal to a recount through 3,000 random writes", () => {
    for (const seed of [1, 2, 3]) {
      const db = database();
      addDisbursements(db);
      randomWrites(db, seed, 1_000, (step) => {
        if (step % 50 === 0) expect(counters(db), `seed ${seed}, step ${step}`).to.deep.equal(recount(db));
      });
      expect(counters(db), `seed ${seed}`).to.deep.equal(recount(db));
      for (const scope of [
        "registration:",
        "disbursement:",
        "registrations/",
        "households/",
        "chain_events/",
      ])
        expect(
          Object.keys(counters(db)).some((key) => key.startsWith(scope)),
          scope,
        ).to.equal(true);
      // The legacy job's rows belong to no run, as before.
      expect(Object.keys(counters(db)).every((key) => !key.includes("legacy"))).to.equal(true);
      db.close();
    }
  });

  it("reports a run's and a disbursement's progress from the counters, equal to the rows", () => {
    const db = database();
    addDisbursements(db);
    randomWrites(db, 7, 600);
    const rows = recount(db);
    const n = (key: string) => rows[key] ?? 0;
    for (const run of RUNS) {
      const { progress } = runProgress({ db }, run);
      const at = (status: string) => n(`registration:${run}/${status}`);
      expect(progress).to.deep.include({
        done: at("registered"),
        refused: at("failed"),
        pending: at("queued"),
        rows: at("queued") + at("registered") + at("failed"),
      });
    }
    expect(registrationCounts({ db })).to.deep.equal({
      queued: n("registrations/queued"),
      registered: n("registrations/registered"),
      failed: n("registrations/failed"),
    });
    const report = getDisbursement({ db, decimals: 0 }, DISBURSEMENTS[0]!, { limit: 1 });
    for (const status of ROW_STATUSES)
      expect(report.counts[status as keyof typeof report.counts], status).to.equal(
        n(`disbursement:${DISBURSEMENTS[0]}/${status}`),
      );
    db.close();
  });

  it("reads no row of the job to report its progress or the registrations' counts: every plan but the page of rows reads counters and open jobs", () => {
    const db = database();
    addDisbursements(db);
    randomWrites(db, 11, 300);
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    runProgress({ db }, RUNS[0]!);
    getDisbursement({ db, decimals: 0 }, DISBURSEMENTS[0]!, { limit: 1 });
    registrationCounts({ db });
    const plans = prepared.map((sql) => ({
      sql,
      plan: (
        prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array(sql.split("?").length - 1).fill("x")) as {
          detail: string;
        }[]
      )
        .map((step) => step.detail)
        .join("; "),
    }));
    expect(plans.length).to.be.greaterThan(2);
    for (const { sql, plan } of plans) {
      expect(plan, sql).not.to.match(/chain_registrations/);
      // The page of rows (LIMIT/OFFSET) is the only read of the disbursement's rows.
      if (!/LIMIT \? OFFSET \?/.test(sql)) expect(plan, sql).not.to.match(/disbursement_rows/);
      expect(plan, sql).not.to.match(/SCAN chain_jobs/);
    }
    db.close();
  });

  it("counts, on upgrade, the rows written before the counters existed", () => {
    const db = database(MIGRATIONS.filter((m) => m.name !== "row_counts"));
    addDisbursements(db);
    randomWrites(db, 5, 500);
    const before = recount(db);
    expect(Object.keys(before).length).to.be.greaterThan(4);
    migrate(db, MIGRATIONS);
    expect(counters(db)).to.deep.equal(before);
    randomWrites(db, 6, 300);
    expect(counters(db)).to.deep.equal(recount(db));
    db.close();
  });
});
