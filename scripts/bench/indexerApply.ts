/**
 * How fast the indexer writes chain events into its read models (the SQLite side of a pass), on a real
 * database file with the gateway's migrations. Each redemption is the three logs the ledger emits for it
 * (DeliveryRedeemed, the entitlement's TransferSingle burn, one GiftSpent lot), applied in ranges of 500
 * redemptions per transaction, as a pass applies one eth_getLogs range.
 *
 *   node -r ts-node/register/transpile-only scripts/bench/indexerApply.ts [--redemptions N] [--json]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "../../src/db";
import type { DecodedEvent } from "../../src/indexer/decodeLogs";
import { applyEvents } from "../../src/indexer/projections";

const argv = process.argv.slice(2);
const index = argv.indexOf("--redemptions");
const redemptions = index >= 0 ? Number(argv[index + 1]) : 20_000;
const asJson = argv.includes("--json");
const PER_RANGE = 500;

const hex = (bytes: number) => "0x" + randomBytes(bytes).toString("hex");

function redemptionLogs(n: number): DecodedEvent[] {
  const txHash = hex(32);
  const redemptionId = hex(32);
  const vendor = hex(20);
  const base = {
    txHash,
    blockNumber: 1 + Math.floor(n / 50),
    blockHash: hex(32),
    contract: "ledger" as const,
  };
  return [
    {
      ...base,
      logIndex: 0,
      name: "TransferSingle",
      args: {
        operator: vendor,
        from: hex(20),
        to: "0x" + "0".repeat(40),
        id: String((4n << 32n) | 1n),
        value: "1000",
      },
    },
    {
      ...base,
      logIndex: 1,
      name: "GiftSpent",
      args: { giftId: "1", programmeId: "4", amount: "1000", kind: "0", ref: redemptionId },
    },
    {
      ...base,
      logIndex: 2,
      name: "DeliveryRedeemed",
      args: {
        redemptionId,
        programmeId: "4",
        householdRef: hex(32),
        beneficiaryRef: hex(32),
        vendor,
        amount: "1000",
        evidenceHash: hex(32),
        fieldAgent: "0x" + "0".repeat(40),
      },
    },
  ];
}

const dir = mkdtempSync(path.join(tmpdir(), "sintech-indexer-bench-"));
try {
  const store = openSqliteStore(path.join(dir, "gateway.db"));
  const db = store.sqlite;
  const ranges: DecodedEvent[][] = [];
  for (let start = 0; start < redemptions; start += PER_RANGE) {
    const range: DecodedEvent[] = [];
    for (let n = start; n < Math.min(redemptions, start + PER_RANGE); n++) range.push(...redemptionLogs(n));
    ranges.push(range);
  }
  const began = process.hrtime.bigint();
  let giftEvents = 0;
  for (const range of ranges)
    giftEvents += db.transaction(() => applyEvents(db, range, 18, new Date()))().length;
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const events = redemptions * 3;
  const result = {
    redemptions,
    events,
    giftEvents,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(events / seconds),
    redemptionsPerSecond: Math.round(redemptions / seconds),
  };
  console.log(asJson ? JSON.stringify(result) : result);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
