import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { logDecoder } from "../../../src/chain/logDecoder";
import { openSqliteStore } from "../../../src/db/sqlite";
import type { DecodedEvent } from "../../../src/indexer/decodeLogs";
import { applyEvents } from "../../../src/indexer/projections";
import { accountOfGift, goodCoinOfPeriod, periodAt } from "../../../src/recognition";
import { DAY, PERIOD, UNIT } from "../../contracts/helpers/system";
import { actionSequence, type Action } from "../../contracts/invariants/actions";
import { LedgerHandler, type Outcomes } from "../../contracts/invariants/handler";
import { invariantWorld } from "../../contracts/invariants/world";

// Pinned so a failure replays exactly; RECOGNITION_RUNS / RECOGNITION_SEED explore further.
const SEED = Number(process.env.RECOGNITION_SEED ?? 20261203);
const RUNS = Number(process.env.RECOGNITION_RUNS ?? 120);
const SETTLEMENT = 0;

/**
 * Recognition only after confirmed delivery, checked against the lineage events: random sequences of gifts,
 * issues, signed redemptions (single and batched, replays refused), flags upheld and dismissed, refunds,
 * reallocations and clock jumps run on the real contracts (the ledger's invariant handler, which checks every
 * `GiftSpent` and `GiftSettlementReversed` against its model as it is mined). Then the chain's raw ledger logs go
 * through the gateway's indexer projections into a real SQLite file, and the good coin of every month must equal,
 * per donor account, what the lineage says: the settlement pieces paid against a signed receipt in that month,
 * less those whose delivery an upheld dispute reversed. Giving, refunds and reallocations earn nothing.
 */
describe("recognition properties: good coin equals the confirmed deliveries of the lineage", function () {
  it(`holds over ${RUNS} random ledger sequences (seed ${SEED})`, async function () {
    this.timeout(900_000);
    const folder = mkdtempSync(path.join(tmpdir(), "sintech-recognition-props-"));
    let run = 0;
    let earnedSomewhere = 0;
    let reversedSomewhere = 0;
    try {
      await fc.assert(
        fc.asyncProperty(actionSequence(4, 4, 20), async (actions) => {
          if (run === 0) actions = [...UPHELD_DISPUTE, ...actions];
          const world = await loadFixture(invariantWorld);
          const handler = await LedgerHandler.start(world, 1n, new Map() as Outcomes);
          for (const action of actions) await handler.run(action);

          const store = openSqliteStore(path.join(folder, `run-${++run}.sqlite`));
          try {
            const db = store.sqlite;
            await indexLedgerLogs(db, await world.ledger.getAddress(), world.ledger.interface);
            const oracle = expectedGoodCoin(handler);
            if (oracle.size > 0) earnedSomewhere++;
            if (handler.lineage.reversals.length > 0) reversedSomewhere++;
            const months = new Set([...oracle.keys()].map((key) => key.split(" ")[0]!));
            for (const spend of handler.lineage.spends) months.add(periodAt(Number(spend.at)).period);
            for (const month of months) {
              const period = periodAt(Date.parse(`${month}-01T00:00:00Z`) / 1000);
              const actual = goodCoinOfPeriod(db, period);
              const expected = new Map(
                [...oracle]
                  .filter(([key]) => key.startsWith(`${month} `))
                  .map(([key, value]) => [key.split(" ")[1]!, value]),
              );
              expect(Object.fromEntries(actual), `good coin of ${month}`).to.deep.equal(
                Object.fromEntries(expected),
              );
            }
          } finally {
            store.close();
          }
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    // The generators really reached deliveries and upheld disputes, or the property said nothing.
    expect(earnedSomewhere, "runs with good coin earned").to.be.greaterThan(RUNS / 8);
    expect(reversedSomewhere, "runs with a reversed delivery").to.be.greaterThan(0);
  });
});

/**
 * Every campaign's first sequence starts with a delivery whose dispute is upheld beside one that stands, so the
 * reversal rule is always exercised whatever the generators reach.
 */
const UPHELD_DISPUTE: Action[] = [
  { kind: "give", donor: 0, programme: 0, amount: 30n * UNIT, reallocateTo: null },
  { kind: "issue", programme: 0, households: [0, 1], amount: 10n * UNIT },
  ...[0, 1].map((household): Action => ({
    kind: "redeem",
    pick: 0,
    again: false,
    stray: false,
    programme: 0,
    household,
    vendor: household,
    amount: 5n * UNIT,
    overdraw: false,
    receipts: [{ lowest: true, slot: 0 }],
  })),
  { kind: "flag", pick: 0, byAuditor: false, forge: "none" },
  { kind: "resolve", pick: 0, stray: false, upheld: true, byRegulator: false },
  { kind: "warp", seconds: PERIOD + 15 * DAY },
];

/** The month and donor account of each settlement piece the lineage holds, summed, without reversed deliveries. */
function expectedGoodCoin(handler: LedgerHandler): Map<string, bigint> {
  const reversed = new Set(handler.lineage.reversals.map((r) => `${r.giftId}:${r.ref}`));
  const totals = new Map<string, bigint>();
  for (const spend of handler.lineage.spends) {
    if (spend.kind !== SETTLEMENT || spend.amount === 0n) continue;
    if (reversed.has(`${spend.giftId}:${spend.ref}`)) continue;
    const gift = handler.model.gifts[Number(spend.giftId) - 1]!;
    const key = `${periodAt(Number(spend.at)).period} ${accountOfGift(gift.donor, null)}`;
    totals.set(key, (totals.get(key) ?? 0n) + spend.amount);
  }
  return totals;
}

/** What the gateway's follower does with the ledger's logs: decoded, projected, each block's time recorded. */
async function indexLedgerLogs(
  db: ReturnType<typeof openSqliteStore>["sqlite"],
  address: string,
  iface: Parameters<typeof logDecoder>[0],
): Promise<void> {
  const decode = logDecoder(iface);
  const logs = await ethers.provider.getLogs({ address, fromBlock: 0, toBlock: "latest" });
  const events: DecodedEvent[] = [];
  const blocks = new Map<number, { hash: string; timestamp: number }>();
  for (const log of logs) {
    const decoded = decode(log.topics as string[], log.data);
    if (!decoded) continue;
    events.push({
      txHash: log.transactionHash,
      logIndex: log.index,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      contract: "ledger",
      name: decoded.name,
      args: decoded.args,
    });
    if (!blocks.has(log.blockNumber)) {
      const block = (await ethers.provider.getBlock(log.blockNumber))!;
      blocks.set(log.blockNumber, { hash: block.hash!, timestamp: block.timestamp });
    }
  }
  db.transaction(() => {
    applyEvents(db, events, 18, new Date());
    const insert = db.prepare(
      "INSERT INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)",
    );
    for (const [number, block] of blocks) insert.run(number, block.hash, block.timestamp);
  })();
}
