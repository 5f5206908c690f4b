import { expect } from "chai";
import Database from "better-sqlite3";
import { deliveriesOverTime, DELIVERY_DAYS_SHOWN } from "../../../src/indexer";
import { INDEXER_SQL } from "../../../src/indexer/schema";

/** The indexer's read models in a real SQLite database, with redemptions written as the follower writes them. */
function readModels() {
  const db = new Database(":memory:");
  db.exec(INDEXER_SQL);
  let block = 0;
  const redeem = (programmeId: number, units: bigint, at: Date | null) => {
    block++;
    db.prepare(
      `INSERT INTO idx_redemptions (redemption_id, programme_id, household_ref, vendor, amount, tx_hash, block_number)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      `0x${block.toString(16).padStart(64, "0")}`,
      programmeId,
      `0x${"11".repeat(32)}`,
      `0x${"22".repeat(20)}`,
      units.toString(),
      `0x${"33".repeat(32)}`,
      block,
    );
    if (at)
      db.prepare("INSERT INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)").run(
        block,
        `0x${block.toString(16).padStart(64, "0")}`,
        Math.floor(at.getTime() / 1000),
      );
  };
  return { db, redeem };
}

const UNIT = 10n ** 18n;

describe("indexer: a programme's deliveries over time", () => {
  it("groups redemptions by the Tehran day, with amounts in whole units, another programme's apart", () => {
    const { db, redeem } = readModels();
    // 20:29:59 UTC is 23:59:59 in Tehran; 20:30 UTC is already the next day there.
    redeem(7, 1_500n * UNIT, new Date("2026-12-01T20:29:59Z"));
    redeem(7, 250n * UNIT + UNIT / 2n, new Date("2026-12-01T08:00:00Z"));
    redeem(7, 40n * UNIT, new Date("2026-12-01T20:30:00Z"));
    redeem(8, 999n * UNIT, new Date("2026-12-01T08:00:00Z"));
    redeem(7, 10n * UNIT, null);
    const report = deliveriesOverTime({ db, decimals: 18 }, 7);
    expect(report.days).to.deep.equal([
      { day: "2026-12-01", deliveries: 2, amount: "1750.5" },
      { day: "2026-12-02", deliveries: 1, amount: "40" },
    ]);
    // The block whose time the indexer has not recorded counts in the total, in no day.
    expect(report.total).to.deep.equal({ deliveries: 4, amount: "1800.5" });
    expect(report.undated).to.equal(1);
    expect(deliveriesOverTime({ db, decimals: 18 }, 9)).to.deep.equal({
      programmeId: 9,
      days: [],
      total: { deliveries: 0, amount: "0" },
      undated: 0,
    });
  });

  it("shows the newest days with deliveries, oldest first, and counts every day in the total", () => {
    const { db, redeem } = readModels();
    const days = DELIVERY_DAYS_SHOWN + 5;
    for (let day = 0; day < days; day++) redeem(3, UNIT, new Date(Date.UTC(2026, 0, 1 + 2 * day, 9)));
    const report = deliveriesOverTime({ db, decimals: 18 }, 3);
    expect(report.days.length).to.equal(DELIVERY_DAYS_SHOWN);
    expect(report.days[0]!.day).to.equal(new Date(Date.UTC(2026, 0, 1 + 2 * 5)).toISOString().slice(0, 10));
    expect(report.days.at(-1)!.day).to.equal(
      new Date(Date.UTC(2026, 0, 1 + 2 * (days - 1))).toISOString().slice(0, 10),
    );
    expect(report.total).to.deep.equal({ deliveries: days, amount: String(days) });
  });
});
