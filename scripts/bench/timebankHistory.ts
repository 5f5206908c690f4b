/**
 * How a time-bank member's and the community pool's history reads grow with the read model
 * (`idx_timebank_moves`): 1,000 members, a growing number of balance moves (about 1 % of them the pool's), one member
 * with 50 of them; the median of 21 reads of each, beside a one-row read of the indexer's checkpoint in the same
 * run, on a real database file with the gateway's migrations.
 *
 *   npm run -s bench:history [-- --moves 10000,100000,1000000] [-- --json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/db";
import { memberHistory, poolHistory } from "../../src/timebank";

const argv = process.argv.slice(2);
const at = argv.indexOf("--moves");
const sizes = (at >= 0 ? argv[at + 1]! : "10000,100000,1000000").split(",").map(Number);
const asJson = argv.includes("--json");
const MEMBERS = 1_000;
const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, "0")}`;
const POOL = hex(0, 40);
const ORG = "org_bench_coordinator";

async function measure(moves: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "sintech-bench-history-"));
  const store = openSqliteStore(path.join(dir, "gateway.db"));
  const db = store.sqlite;
  try {
    db.pragma("foreign_keys = OFF");
    db.transaction(() => {
      db.prepare(
        "INSERT INTO organisations (org_id, name, role, address, layers, categories, created_at) VALUES (?, 'Bench', 'charity', '0xcc', 1, '[]', 'now')",
      ).run(ORG);
      const job = db
        .prepare(
          "INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at) VALUES ('bench', 'bench', '0xa', '0xb', '0x', 'confirmed', 'now', 'now')",
        )
        .run().lastInsertRowid;
      db.prepare(
        "INSERT INTO timebank_coordinators (org_id, licence_job_id, valid_until, appointed_at) VALUES (?, ?, 0, 'now')",
      ).run(ORG, job);
      const member = db.prepare(
        "INSERT INTO timebank_members (member_ref, pepper_version, coordinator_org_id, wallet, custody, admit_job_id, created_at) VALUES (?, 1, ?, ?, 'custodial', ?, 'now')",
      );
      const wallet = db.prepare(
        "INSERT INTO idx_timebank_wallets (wallet, member_ref, block_number) VALUES (?, ?, 1)",
      );
      for (let m = 1; m <= MEMBERS; m++) {
        member.run(hex(m, 64), ORG, hex(m, 40), job);
        wallet.run(hex(m, 40), hex(m, 64));
      }
      const move = db.prepare(
        "INSERT INTO idx_timebank_moves (tx_hash, log_index, block_number, kind, service_id, source, target, minutes) VALUES (?, 0, ?, ?, ?, ?, ?, 5)",
      );
      const block = db.prepare(
        "INSERT OR IGNORE INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, '0x', ?)",
      );
      let seed = 7;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
      const every = Math.floor(moves / 50);
      for (let i = 0; i < moves; i++) {
        const number = 1 + Math.floor(i / 10);
        block.run(number, number * 5);
        const giver = i % every === 0 ? 1 : 2 + Math.floor(random() * (MEMBERS - 1));
        const payer = 2 + Math.floor(random() * (MEMBERS - 1));
        const pool = random() < 0.02;
        const service = random() < 0.8;
        move.run(
          hex(i + 1, 64),
          number,
          service ? "service" : "donation",
          service ? hex(i + 1, 64) : null,
          pool && service ? POOL : hex(payer, 40),
          pool && !service ? POOL : hex(giver, 40),
        );
      }
      db.prepare(
        "INSERT INTO indexer_checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, '0x', 'now')",
      ).run(Math.ceil(moves / 10));
    })();
    db.pragma("optimize");
    const median = async (read: () => unknown) => {
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const start = process.hrtime.bigint();
        await read();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return Math.round(times.sort((a, b) => a - b)[10]! * 1000) / 1000;
    };
    const deps = { db, system: { timeBank: { poolBalance: async () => 0n } } as never };
    const history = memberHistory({ db }, ORG, hex(1, 64));
    return {
      moves,
      poolMoves: db
        .prepare("SELECT count(*) FROM idx_timebank_moves WHERE source = ? OR target = ?")
        .pluck()
        .get(POOL, POOL) as number,
      memberEntries: history.entries.length,
      memberHistoryMs: await median(() => memberHistory({ db }, ORG, hex(1, 64))),
      poolHistoryMs: await median(() => poolHistory(deps, ORG)),
      baselineCheckpointReadMs: await median(() =>
        db.prepare("SELECT block_number FROM indexer_checkpoint WHERE id = 1").get(),
      ),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = [];
  for (const moves of sizes) {
    const row = await measure(moves);
    rows.push(row);
    if (!asJson)
      console.log(
        `${row.moves.toLocaleString("en")} moves (${row.poolMoves.toLocaleString("en")} the pool's): member history ${row.memberHistoryMs} ms (${row.memberEntries} entries), pool history ${row.poolHistoryMs} ms; baseline checkpoint read ${row.baselineCheckpointReadMs} ms`,
      );
  }
  if (asJson) console.log(JSON.stringify({ members: MEMBERS, readsPerFigure: 21, rows }));
}

void main();
