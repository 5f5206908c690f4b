import { expect } from "chai";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { ZeroAddress } from "ethers";
import { MIGRATIONS, migrate } from "../../../src/db";
import type { DecodedEvent } from "../../../src/indexer/decodeLogs";
import { rewindTo, writeCheckpoint } from "../../../src/indexer/checkpoint";
import { applyEvents } from "../../../src/indexer/projections";
import { memberHistory, poolHistory } from "../../../src/timebank";

/**
 * Issue 12: a member's and the pool's history were read from the chain on every request (six filtered log
 * reads per wallet, then a call per logged service). They are now the indexer's read models of the TimeBank's
 * events (`idx_timebank_moves`, `idx_timebank_logged`, migration 30). These tests give the projections a
 * sequence of events, with no chain at all, and hold both histories to it: the kinds and the pool's part, a
 * rebound member's two wallets, pending services, the pool's sums and names, a rewind, and the upgrade's
 * copy of the events a gateway stored before migration 30.
 */
describe("timebank: members' and the pool's histories from the indexer's read models", () => {
  const ORG = "org_coordinator_one";
  const OTHER = "org_coordinator_two";
  const ref = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
  const wallet = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
  const [A, B, C] = [ref(0xa), ref(0xb), ref(0xc)];
  const [A1, A2, B1, C1] = [wallet(0xa1), wallet(0xa2), wallet(0xb1), wallet(0xc1)];
  const [S1, S2, S3] = [ref(0x51), ref(0x52), ref(0x53)];
  const POOL = ZeroAddress;

  let logIndex = 0;
  const event = (blockNumber: number, name: string, args: Record<string, string>): DecodedEvent => ({
    txHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
    logIndex: logIndex++,
    blockNumber,
    blockHash: `0x${(blockNumber + 0xb0).toString(16).padStart(64, "0")}`,
    contract: "timeBank",
    name,
    args,
  });
  const logged = (block: number, serviceId: string, giver: string, recipient: string, minutes: number) =>
    event(block, "ServiceLogged", {
      serviceId,
      giver,
      recipient,
      duration: String(minutes),
      category: "2",
      evidenceHash: ref(0),
    });
  const confirmed = (block: number, serviceId: string, giver: string, payer: string, minutes: number) =>
    event(block, "ServiceConfirmed", {
      serviceId,
      giver,
      payer,
      duration: String(minutes),
      confirmedBy: payer === POOL ? wallet(0xcc) : payer,
    });
  const donated = (block: number, donor: string, beneficiary: string, minutes: number) =>
    event(block, "CreditDonated", { donor, beneficiary, duration: String(minutes) });

  /** A serves B (30, B pays), A gives the pool 25, C serves B (20, the pool pays), A moves to a new wallet and gives B 5, B logs 15 for A. */
  const EVENTS: DecodedEvent[] = [
    event(10, "MemberAdmitted", { wallet: A1, memberRef: A, creditLimit: "60", coordinator: wallet(0xcc) }),
    event(10, "MemberAdmitted", { wallet: B1, memberRef: B, creditLimit: "60", coordinator: wallet(0xcc) }),
    event(10, "MemberAdmitted", { wallet: C1, memberRef: C, creditLimit: "60", coordinator: wallet(0xdd) }),
    logged(11, S1, A1, B1, 30),
    confirmed(12, S1, A1, B1, 30),
    donated(13, A1, POOL, 25),
    logged(14, S2, C1, B1, 20),
    confirmed(14, S2, C1, POOL, 20),
    event(15, "MemberWalletRebound", {
      memberRef: A,
      oldWallet: A1,
      newWallet: A2,
      coordinator: wallet(0xcc),
    }),
    donated(16, A2, B1, 5),
    logged(17, S3, B1, A2, 15),
  ];

  /** The schema with foreign keys off; two coordinators and their members as the gateway recorded them. */
  function database(migrations = MIGRATIONS): Database {
    const db = new BetterSqlite3(":memory:");
    db.pragma("foreign_keys = OFF");
    migrate(db, migrations);
    const job = (key: string) =>
      db
        .prepare(
          `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
           VALUES (?, 'timebank', '0xa', '0xb', '0x', 'confirmed', 'now', 'now')`,
        )
        .run(key).lastInsertRowid;
    for (const [orgId, n] of [
      [ORG, 0xcc],
      [OTHER, 0xdd],
    ] as const) {
      db.prepare(
        `INSERT INTO organisations (org_id, name, role, address, layers, categories, created_at)
         VALUES (?, ?, 'charity', ?, 1, '[]', 'now')`,
      ).run(orgId, orgId, wallet(n));
      db.prepare(
        "INSERT INTO timebank_coordinators (org_id, licence_job_id, valid_until, appointed_at) VALUES (?, ?, 0, 'now')",
      ).run(orgId, job(`licence:${orgId}`));
    }
    for (const [memberRef, orgId, current] of [
      [A, ORG, A2],
      [B, ORG, B1],
      [C, OTHER, C1],
    ] as const) {
      db.prepare(
        `INSERT INTO timebank_members (member_ref, pepper_version, coordinator_org_id, wallet, custody, admit_job_id, created_at)
         VALUES (?, 1, ?, ?, 'custodial', ?, 'now')`,
      ).run(memberRef, orgId, current, job(`admit:${memberRef}`));
    }
    return db;
  }

  /** The follower's work: the events, their blocks' times, and its checkpoint at the last block. */
  function follow(db: Database, events: readonly DecodedEvent[]): void {
    db.transaction(() => {
      applyEvents(db, events, 6, new Date());
      for (const block of new Set(events.map((e) => e.blockNumber)))
        db.prepare(
          "INSERT OR REPLACE INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)",
        ).run(block, events.find((e) => e.blockNumber === block)!.blockHash, 1_796_000_000 + block * 5);
      const last = events.at(-1)!;
      writeCheckpoint(db, { blockNumber: last.blockNumber, blockHash: last.blockHash }, new Date());
    })();
  }

  const deps = (db: Database, poolMinutes: bigint) => ({
    db,
    system: { timeBank: { poolBalance: async () => poolMinutes } } as never,
  });
  const brief = (entries: { kind: string; minutes: number; pool: boolean }[]) =>
    entries.map((e) => `${e.kind} ${e.minutes}${e.pool ? " pool" : ""}`);

  it("tells each member what it earned, paid, donated and received, on every wallet it held, and what is pending with it", () => {
    const db = database();
    follow(db, EVENTS);
    const a = memberHistory({ db }, ORG, A);
    expect(brief(a.entries)).to.deep.equal(["earned 30", "donated 25 pool", "donated 5"]);
    expect(a.entries.map((e) => e.serviceId)).to.deep.equal([S1, null, null]);
    expect(a.entries[0]).to.include({ blockNumber: 12, txHash: EVENTS[4]!.txHash });
    expect(a.entries[0]!.at).to.equal(new Date((1_796_000_000 + 12 * 5) * 1000).toISOString());
    expect(a.pending).to.deep.equal([
      { serviceId: S3, role: "received", minutes: 15, category: "tutoring", blockNumber: 17 },
    ]);
    expect(a.asOfBlock).to.equal(17);

    // B paid for A's service, was given 5 by A's new wallet, and logged S3; C's service was the pool's to pay.
    const b = memberHistory({ db }, ORG, B);
    expect(brief(b.entries)).to.deep.equal(["paid 30", "received_donation 5"]);
    expect(b.pending.map((p) => `${p.serviceId} ${p.role}`)).to.deep.equal([`${S3} gave`]);

    const c = memberHistory({ db }, OTHER, C);
    expect(brief(c.entries)).to.deep.equal(["earned 20 pool"]);
    expect(c.pending).to.deep.equal([]);

    // Each member's entries, signed, sum to what the chain's account would hold.
    const balance = (entries: { kind: string; minutes: number }[]) =>
      entries.reduce(
        (sum, e) => sum + (["earned", "received_donation"].includes(e.kind) ? e.minutes : -e.minutes),
        0,
      );
    expect([balance(a.entries), balance(b.entries), balance(c.entries)]).to.deep.equal([0, -25, 20]);

    // Another coordinator's member is unknown, whichever coordinator asks.
    expect(() => memberHistory({ db }, OTHER, A))
      .to.throw()
      .with.property("status", 404);
    expect(() => memberHistory({ db }, ORG, C))
      .to.throw()
      .with.property("status", 404);
  });

  it("sums the pool's moves and lists them newest first, naming only the asking coordinator's members", async () => {
    const db = database();
    follow(db, EVENTS);
    const mine = await poolHistory(deps(db, 5n), ORG);
    expect(mine).to.include({ minutes: 5, donated: 25, paid: 20, asOfBlock: 17 });
    expect(mine.entries.map(({ kind, minutes, memberRef }) => ({ kind, minutes, memberRef }))).to.deep.equal([
      { kind: "paid", minutes: 20, memberRef: null },
      { kind: "donated", minutes: 25, memberRef: A },
    ]);
    expect(mine.entries[0]!.serviceId).to.equal(S2);
    const theirs = await poolHistory(deps(db, 5n), OTHER);
    expect(theirs.entries.map((e) => e.memberRef)).to.deep.equal([C, null]);
    const newest = await poolHistory(deps(db, 5n), ORG, 1);
    expect(newest.entries).to.have.length(1);
    expect(newest).to.include({ donated: 25, paid: 20 });
  });

  it("forgets what a reorganisation took away, and reads it again once it is mined again", () => {
    const db = database();
    follow(db, EVENTS);
    rewindTo(db, 14, EVENTS[7]!.blockHash, new Date());
    const a = memberHistory({ db }, ORG, A);
    expect(brief(a.entries)).to.deep.equal(["earned 30", "donated 25 pool"]);
    expect(a.pending).to.deep.equal([]);
    expect(a.asOfBlock).to.equal(14);
    // The wallet bound at block 15 is forgotten too; the gateway's row still names it, so nothing is lost.
    follow(db, EVENTS.slice(8));
    expect(brief(memberHistory({ db }, ORG, A).entries)).to.deep.equal([
      "earned 30",
      "donated 25 pool",
      "donated 5",
    ]);
  });

  it("fills the new read models on upgrade from the events a gateway stored before them", () => {
    const before = MIGRATIONS.filter((m) => m.version <= 29);
    const upgraded = database(before);
    // What applyEvents stored under migration 29: every followed log in chain_events, with its arguments.
    const insert = upgraded.prepare(
      `INSERT INTO chain_events (tx_hash, log_index, block_number, contract, name, args_json)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const e of EVENTS)
      insert.run(e.txHash, e.logIndex, e.blockNumber, e.contract, e.name, JSON.stringify(e.args));
    migrate(upgraded, MIGRATIONS);
    const fresh = database();
    follow(fresh, EVENTS);
    for (const table of ["idx_timebank_moves", "idx_timebank_logged"]) {
      const rows = (db: Database) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
      expect(rows(upgraded), table).to.deep.equal(rows(fresh));
      expect(rows(fresh), table).to.have.length(table === "idx_timebank_moves" ? 4 : 3);
    }
  });
});
