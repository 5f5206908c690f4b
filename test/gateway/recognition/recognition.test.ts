import { expect } from "chai";
import { encodeBytes32String, hexlify, randomBytes, zeroPadValue } from "ethers";
import {
  closeDueRecognitionPeriods,
  closeRecognitionPeriod,
  goodCoinOfPeriod,
  minutesServedOfPeriod,
  optIn,
  optOut,
  parsePeriod,
  RECOGNITION_ANCHOR_JOB,
  recognitionAnchorHandlers,
  recognitionHash,
  recognitionPeriod,
  recognitionProof,
  type RecognitionDeps,
} from "../../../src/recognition";
import { AppError } from "../../../src/errors";
import { anchoringWorld, type AnchoringWorld } from "../../../scripts/bench/deliveryLib/anchoringWorld";

const seconds = (iso: string) => Date.parse(iso) / 1000;
const DONOR_A = "0x00000000000000000000000000000000000000a1";
const DONOR_B = "0x00000000000000000000000000000000000000b2";
const CHARITY = "0x00000000000000000000000000000000000000c3";
/** A cash donor's keyed reference, new for each test: every test's month has a root of its own. */
let CASH_REF = hexlify(randomBytes(32));
const accountOf = (address: string) => zeroPadValue(address, 32);
const REGISTRAR_LICENCE = 5;

/** The gateway's read models as the indexer writes them from chain events, for a set of gifts and flows. */
class Chain {
  private block = 100;
  private log = 0;
  constructor(private readonly deps: RecognitionDeps) {}

  gift(giftId: number, donor: string, donorRef: string | null = null) {
    this.deps.db
      .prepare(
        `INSERT INTO idx_gifts (gift_id, programme_id, donor, donor_ref, amount, reallocate_to, tx_hash, block_number)
         VALUES (?, 1, ?, ?, '0', 0, ?, ?)`,
      )
      .run(giftId, donor, donorRef, hexlify(randomBytes(32)), this.block);
  }

  /** A new block of time `at`, as the indexer records the blocks it read. */
  private newBlock(at: string): number {
    const block = ++this.block;
    this.deps.db
      .prepare("INSERT INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)")
      .run(block, hexlify(randomBytes(32)), seconds(at));
    return block;
  }

  flow(giftId: number, kind: string, amount: bigint, at: string, ref = hexlify(randomBytes(32))): string {
    const block = this.newBlock(at);
    this.deps.db
      .prepare(
        `INSERT INTO idx_gift_flows (tx_hash, log_index, gift_id, programme_id, kind, amount, ref, block_number)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
      )
      .run(hexlify(randomBytes(32)), ++this.log, giftId, kind, amount.toString(), ref, block);
    return ref;
  }

  /** A time-bank service confirmed at `at`, credited to `giver`, a wallet bound to member `memberRef`. */
  service(giver: string, memberRef: string, minutes: number, at: string) {
    const block = this.newBlock(at);
    this.deps.db
      .prepare(
        "INSERT OR IGNORE INTO idx_timebank_wallets (wallet, member_ref, block_number) VALUES (?, ?, ?)",
      )
      .run(giver, memberRef, block);
    this.deps.db
      .prepare(
        `INSERT INTO idx_timebank_services (service_id, giver, payer, minutes, confirmed_by, tx_hash, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(hexlify(randomBytes(32)), giver, DONOR_A, minutes, DONOR_A, hexlify(randomBytes(32)), block);
  }

  /** The indexer has read through a block of time `at`. */
  readThrough(at: string) {
    const block = this.newBlock(at);
    this.deps.db
      .prepare(
        `INSERT INTO indexer_checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, '0x', '')
         ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number`,
      )
      .run(block);
  }
}

describe("recognition: good coin from confirmed deliveries, anchored per month", function () {
  this.timeout(120_000);
  let world: AnchoringWorld;
  let close: () => void;
  let deps: RecognitionDeps;
  let chain: Chain;

  before(async () => {
    world = await anchoringWorld(1);
  });
  after(async () => {
    await world?.stop();
  });
  beforeEach(() => {
    const gw = world.open();
    close = () => gw.close();
    deps = {
      db: gw.store.sqlite,
      outbox: gw.outbox,
      anchor: world.system.anchor,
      registrar: world.operator.address,
      decimals: 18,
      now: () => new Date("2026-12-02T10:00:00Z"),
    };
    gw.outbox.on(RECOGNITION_ANCHOR_JOB, recognitionAnchorHandlers(deps));
    for (const table of [
      "recognition_entries",
      "recognition_periods",
      "recognition_optins",
      "idx_gift_flows",
      "idx_gifts",
      "idx_timebank_services",
      "idx_timebank_wallets",
      "indexer_checkpoint",
      "indexer_blocks",
    ])
      deps.db.exec(`DELETE FROM ${table}`);
    chain = new Chain(deps);
    CASH_REF = hexlify(randomBytes(32));
  });
  afterEach(async () => {
    // Nothing a test queued is left for the next one to send.
    await deps.outbox.drain();
    close();
  });

  /** November: A's gift paid twice (one reversed by an upheld dispute), refunded once; B's paid; a cash gift. */
  function november() {
    chain.gift(1, DONOR_A);
    chain.gift(2, DONOR_B);
    chain.gift(3, CHARITY, CASH_REF);
    chain.flow(1, "settlement", 700n, "2026-11-03T10:00:00Z");
    const disputed = chain.flow(1, "settlement", 50n, "2026-11-04T10:00:00Z");
    chain.flow(1, "reversal", 50n, "2026-11-20T10:00:00Z", disputed);
    chain.flow(1, "refund", 1_000n, "2026-11-25T10:00:00Z");
    chain.flow(1, "reallocation", 400n, "2026-11-26T10:00:00Z");
    chain.flow(2, "settlement", 300n, "2026-11-10T10:00:00Z");
    chain.flow(3, "settlement", 700n, "2026-11-11T10:00:00Z");
    // December's delivery belongs to December.
    chain.flow(2, "settlement", 999n, "2026-12-01T00:00:00Z");
  }

  it("earns good coin only for value paid against a signed receipt in the month, less reversed deliveries", () => {
    november();
    const totals = goodCoinOfPeriod(deps.db, parsePeriod("2026-11"));
    expect(Object.fromEntries(totals)).to.deep.equal({
      [accountOf(DONOR_A)]: 700n,
      [accountOf(DONOR_B)]: 300n,
      // The cash donor is recognised by its keyed reference, not the charity that gave for it.
      [CASH_REF]: 700n,
    });
    expect(Object.fromEntries(goodCoinOfPeriod(deps.db, parsePeriod("2026-12")))).to.deep.equal({
      [accountOf(DONOR_B)]: 999n,
    });
    // Giving alone earns nothing.
    expect(goodCoinOfPeriod(deps.db, parsePeriod("2026-10")).size).to.equal(0);
  });

  it("closes a month only after it ended and the indexer read past it, writing nothing when refused", () => {
    november();
    chain.readThrough("2026-11-30T23:59:59Z");
    const jobs = () => deps.db.prepare("SELECT count(*) FROM chain_jobs").pluck().get();
    const before = jobs();
    expect(() => closeRecognitionPeriod(deps, "2026-11"))
      .to.throw(AppError)
      .with.property("code", "period_open");
    expect(() => closeRecognitionPeriod(deps, "2026-13"))
      .to.throw(AppError)
      .with.property("code", "invalid_period");
    chain.readThrough("2026-12-01T00:00:05Z");
    expect(() => closeRecognitionPeriod(deps, "2026-10"))
      .to.throw(AppError)
      .with.property("code", "nothing_earned");
    expect(jobs()).to.equal(before);
    expect(deps.db.prepare("SELECT count(*) FROM recognition_periods").pluck().get()).to.equal(0);
  });

  it("anchors the month's root on chain; each donor's proof verifies there, a changed total does not", async () => {
    november();
    chain.readThrough("2026-12-01T00:00:05Z");
    const closed = closeRecognitionPeriod(deps, "2026-11");
    expect(closed).to.include({ period: "2026-11", accounts: 3, closedNow: true });
    expect(recognitionPeriod(deps, "2026-11")).to.include({ state: "queued", anchorTxHash: null });
    await deps.outbox.drain();
    const view = recognitionPeriod(deps, "2026-11");
    expect(view.state).to.equal("anchored");
    expect(view.anchorTxHash).to.match(/^0x[0-9a-f]{64}$/);
    const [event] = await world.system.anchor.queryFilter(
      world.system.anchor.filters.ReceiptsAnchored(closed.root),
    );
    expect(event!.args.count).to.equal(3n);
    expect(event!.args.uri).to.equal("/v1/recognition/periods/2026-11");

    for (const [donor, earned] of [
      [DONOR_A, 700n],
      [DONOR_B, 300n],
    ] as const) {
      const proof = recognitionProof(deps, "2026-11", { address: donor });
      expect(proof.goodCoin).to.equal(earned.toString());
      // The donor recomputes the leaf from the fields alone, then asks the chain.
      expect(recognitionHash(proof.periodIndex, proof.account, BigInt(proof.goodCoin))).to.equal(
        proof.confirmationHash,
      );
      expect(
        await world.system.anchor.verifyReceipt(proof.root, proof.confirmationHash, proof.proof),
      ).to.equal(true);
      const inflated = recognitionHash(proof.periodIndex, proof.account, earned + 1n);
      expect(await world.system.anchor.verifyReceipt(proof.root, inflated, proof.proof)).to.equal(false);
      const otherMonth = recognitionHash(proof.periodIndex + 1, proof.account, earned);
      expect(await world.system.anchor.verifyReceipt(proof.root, otherMonth, proof.proof)).to.equal(false);
    }
    expect(() => recognitionProof(deps, "2026-11", { address: CHARITY }))
      .to.throw(AppError)
      .with.property("status", 404);

    // Closing again answers the first root and queues nothing.
    const jobs = deps.db.prepare("SELECT count(*) FROM chain_jobs").pluck().get();
    expect(closeRecognitionPeriod(deps, "2026-11")).to.deep.equal({ ...closed, closedNow: false });
    expect(deps.db.prepare("SELECT count(*) FROM chain_jobs").pluck().get()).to.equal(jobs);
  });

  it("lists only donors who opted in, under their pseudonyms, ranked with ties sharing a rank", async () => {
    november();
    chain.gift(4, "0x00000000000000000000000000000000000000d4");
    chain.flow(4, "settlement", 300n, "2026-11-12T10:00:00Z");
    chain.readThrough("2026-12-01T00:00:05Z");
    const now = new Date("2026-12-02T10:00:00Z");
    optIn(deps.db, { orgId: "org_b", address: DONOR_B }, "Benefactor B", now);
    optIn(deps.db, { orgId: "org_d", address: "0x00000000000000000000000000000000000000d4" }, "D", now);
    closeRecognitionPeriod(deps, "2026-11");
    expect(recognitionPeriod(deps, "2026-11").leaderboard).to.deep.equal([
      { rank: 1, alias: "Benefactor B", goodCoin: "0.0000000000000003" },
      { rank: 1, alias: "D", goodCoin: "0.0000000000000003" },
    ]);
    // A, who earned the most, did not opt in: it appears nowhere, though its total is in the root.
    expect(JSON.stringify(recognitionPeriod(deps, "2026-11"))).not.to.include(DONOR_A.slice(2));
    optIn(deps.db, { orgId: "org_a", address: DONOR_A }, "A", now);
    expect(
      recognitionPeriod(deps, "2026-11").leaderboard.map((entry) => [entry.rank, entry.alias]),
    ).to.deep.equal([
      [1, "A"],
      [2, "Benefactor B"],
      [2, "D"],
    ]);
    expect(() => optIn(deps.db, { orgId: "org_a", address: DONOR_A }, "D", now))
      .to.throw(AppError)
      .with.property("code", "alias_taken");
    optOut(deps.db, { address: DONOR_B });
    expect(recognitionPeriod(deps, "2026-11").leaderboard.map((entry) => entry.alias)).to.deep.equal([
      "A",
      "D",
    ]);
    expect(() => optOut(deps.db, { address: DONOR_B }))
      .to.throw(AppError)
      .with.property("status", 404);
  });

  it("shows the chain's refusal of an anchor, and queues it again, same root, when the month is closed again", async () => {
    november();
    chain.readThrough("2026-12-01T00:00:05Z");
    const registrar = world.operator.address;
    await (
      await world.system.licences.suspendLicence(
        registrar,
        REGISTRAR_LICENCE,
        encodeBytes32String("recognition test"),
      )
    ).wait();
    try {
      const closed = closeRecognitionPeriod(deps, "2026-11");
      await deps.outbox.drain();
      expect(recognitionPeriod(deps, "2026-11")).to.include({
        state: "failed",
        errorName: "AnchorUnauthorized",
      });
      // The timer leaves a closed month alone unless its anchor was refused.
      await (await world.system.licences.reinstateLicence(registrar, REGISTRAR_LICENCE)).wait();
      const again = closeDueRecognitionPeriods(deps);
      expect(again).to.have.length(1);
      expect(again[0]).to.include({ period: "2026-11", root: closed.root, closedNow: false });
      expect(again[0]!.jobId).to.not.equal(closed.jobId);
      await deps.outbox.drain();
      expect(recognitionPeriod(deps, "2026-11")).to.include({ state: "anchored", errorName: null });
      expect(closeDueRecognitionPeriods(deps)).to.deep.equal([]);
    } finally {
      if (!(await world.system.licences.isActive(registrar, REGISTRAR_LICENCE)))
        await (await world.system.licences.reinstateLicence(registrar, REGISTRAR_LICENCE)).wait();
    }
  });

  it("counts a member's confirmed minutes in the month, across a rebound wallet, as leaves beside the donors'", async () => {
    const member = hexlify(randomBytes(32));
    const [first, rebound] = [hexlify(randomBytes(20)), hexlify(randomBytes(20))];
    chain.service(first, member, 30, "2026-10-31T23:59:59Z");
    chain.service(first, member, 45, "2026-11-02T10:00:00Z");
    // The member's account moved whole to a new wallet: services credited to it are the same member's.
    chain.service(rebound, member, 20, "2026-11-20T10:00:00Z");
    chain.service(rebound, member, 5, "2026-12-01T00:00:00Z");
    expect(Object.fromEntries(minutesServedOfPeriod(deps.db, parsePeriod("2026-11")))).to.deep.equal({
      [member]: 65n,
    });
    expect(Object.fromEntries(minutesServedOfPeriod(deps.db, parsePeriod("2026-10")))).to.deep.equal({
      [member]: 30n,
    });
    // A month with services and no delivery closes: the first month the timer closes is the first service's.
    chain.readThrough("2026-12-01T00:00:05Z");
    expect(closeDueRecognitionPeriods(deps).map((closed) => closed.period)).to.deep.equal([
      "2026-10",
      "2026-11",
    ]);
    november();
    // November was closed before its gifts were read (in a real chain they would come first): its root holds
    // the member alone; December's closes later with both kinds.
    chain.readThrough("2027-01-01T00:00:05Z");
    const december = closeRecognitionPeriod(deps, "2026-12");
    expect(december.accounts).to.equal(2);
    const kinds = deps.db
      .prepare(
        "SELECT kind, account, good_coin FROM recognition_entries WHERE period = '2026-12' ORDER BY leaf_index",
      )
      .all();
    expect(kinds).to.deep.equal([
      { kind: "gift", account: accountOf(DONOR_B), good_coin: "999" },
      { kind: "service", account: member, good_coin: "5" },
    ]);
  });

  it("closes every ended month the indexer has read past, on its timer's call, once", async () => {
    november();
    chain.flow(2, "settlement", 5n, "2027-01-15T10:00:00Z");
    chain.readThrough("2027-02-01T00:00:01Z");
    const closed = closeDueRecognitionPeriods(deps);
    // November, December and January; no month before the first delivery, none still open.
    expect(closed.map((period) => period.period)).to.deep.equal(["2026-11", "2026-12", "2027-01"]);
    expect(closeDueRecognitionPeriods(deps)).to.deep.equal([]);
    await deps.outbox.drain();
    expect(recognitionPeriod(deps, "2026-12").state).to.equal("anchored");
  });
});
