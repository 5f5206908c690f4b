/**
 * How under-coverage and open data grow with the household file: a real database file with the gateway's
 * migrations, households with encrypted vault records and chain registrations, and the chain's facts
 * written by the indexer's own projection (a mint per covered household, a redemption per fifth of them).
 * Beside each figure, a same-run baseline: one vault read and one account hash per household, the work
 * each report cannot avoid.
 *
 *   npm run bench:coverage [-- --households 5000,20000] [-- --json]
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openData, underCoverage, type CoverageDeps } from "../../src/coverage";
import { householdAccount } from "../../src/coverage/regionRows";
import { openSqliteStore } from "../../src/db";
import { createHouseholdContext } from "../../src/households";
import { createMasterKeyRing, createPepperRing } from "../../src/identity";
import type { DecodedEvent } from "../../src/indexer/decodeLogs";
import { applyEvents } from "../../src/indexer/projections";
import { eligibleSelector } from "../../src/main/selectEligible";

const argv = process.argv.slice(2);
const asJson = argv.includes("--json");
const sizesAt = argv.indexOf("--households");
const SIZES = (sizesAt >= 0 ? argv[sizesAt + 1]! : "5000,20000").split(",").map(Number);
const PROGRAMME = 4;
const PERIOD_LENGTH = 30 * 86_400;
const PERIOD = 690;
const ZERO = `0x${"0".repeat(40)}`;

const hex = (bytes: number) => `0x${randomBytes(bytes).toString("hex")}`;
const secret = (label: string) => createHash("sha256").update(`sintech-bench:${label}`).digest();

interface Run {
  households: number;
  underCoverageMs: number;
  openDataMs: number;
  baselineMs: number;
}

async function measure(households: number): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), "sintech-coverage-bench-"));
  const store = openSqliteStore(path.join(dir, "gateway.db"));
  try {
    const db = store.sqlite;
    // The fixture's programme has no request or organisation rows behind it.
    db.pragma("foreign_keys = OFF");
    const context = createHouseholdContext({
      store,
      peppers: createPepperRing({ current: 1, keys: [{ version: 1, secret: secret("pepper") }] }),
      masterKeys: createMasterKeyRing({ current: 1, keys: [{ version: 1, secret: secret("master") }] }),
    });
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO programmes (programme_id, request_id, org_id, name, layer, category, group_id, period_length,
         cap, min_gift, starts_at, ends_at, rule_json, created_at)
       VALUES (?, 'req', 'org', 'Bench programme', 'relief', 1, 0, ?, '1000000', '1', ?, ?, NULL, ?)`,
    ).run(PROGRAMME, PERIOD_LENGTH, (PERIOD - 1) * PERIOD_LENGTH, (PERIOD + 12) * PERIOD_LENGTH, now);
    const refs: string[] = [];
    const insertHousehold = db.prepare(
      "INSERT INTO households (household_ref, pepper_version, created_at) VALUES (?, 1, ?)",
    );
    const insertMember = db.prepare(
      `INSERT INTO members (beneficiary_ref, household_ref, pepper_version, role, job_code, created_at)
       VALUES (?, ?, 1, 'head', 'employee', ?)`,
    );
    const insertRegistration = db.prepare(
      `INSERT INTO chain_registrations (beneficiary_ref, household_ref, wallet, status, updated_at)
       VALUES (?, ?, ?, 'registered', ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < households; i++) {
        const householdRef = hex(32);
        const headRef = hex(32);
        refs.push(householdRef);
        insertHousehold.run(householdRef, now);
        insertMember.run(headRef, householdRef, now);
        insertRegistration.run(headRef, householdRef, hex(20), now);
        context.vault.put(householdRef, {
          postalCode: `${10 + (i % 80)}${String(i).padStart(8, "0")}`,
          attributes: { size: 1 },
        });
      }
    })();
    // Nine in ten households issued for the period; a fifth of those redeemed once.
    const id = String((BigInt(PROGRAMME) << 32n) | BigInt(PERIOD));
    const events: DecodedEvent[] = [];
    const block = { blockHash: hex(32), contract: "ledger" as const };
    refs.forEach((householdRef, i) => {
      if (i % 10 === 9) return;
      const blockNumber = 10 + Math.floor(i / 100);
      const txHash = hex(32);
      events.push({
        ...block,
        txHash,
        logIndex: 0,
        blockNumber,
        name: "TransferSingle",
        args: { operator: ZERO, from: ZERO, to: householdAccount(householdRef), id, value: "1000000" },
      });
      if (i % 5 !== 0) return;
      events.push({
        ...block,
        txHash: hex(32),
        logIndex: 0,
        blockNumber: blockNumber + 1,
        name: "DeliveryRedeemed",
        args: {
          redemptionId: hex(32),
          programmeId: String(PROGRAMME),
          householdRef,
          beneficiaryRef: hex(32),
          vendor: `0x${String(i % 7).padStart(40, "0")}`,
          amount: "1000",
          evidenceHash: `0x${"0".repeat(64)}`,
          fieldAgent: ZERO,
        },
      });
    });
    db.transaction(() => applyEvents(db, events, 0, new Date()))();
    const insertBlock = db.prepare(
      "INSERT OR IGNORE INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)",
    );
    const lastBlock = events.at(-1)!.blockNumber;
    db.transaction(() => {
      for (let number = 10; number <= lastBlock; number++)
        insertBlock.run(number, hex(32), PERIOD * PERIOD_LENGTH + number);
    })();
    db.prepare(
      "INSERT INTO indexer_checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, ?, ?)",
    ).run(lastBlock, hex(32), now);

    const deps: CoverageDeps = {
      db,
      households: context,
      decimals: 0,
      currentPeriod: async () => PERIOD,
      selectEligible: eligibleSelector(db, context),
    };
    const time = async (work: () => Promise<unknown> | unknown) => {
      const began = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - began) / 1e6;
    };
    // Warm the statement cache and the page cache once, as a running gateway has them.
    await underCoverage(deps, { programmeId: PROGRAMME, period: PERIOD });
    const baselineMs = await time(() => {
      for (const householdRef of refs) {
        context.vault.get(householdRef);
        householdAccount(householdRef);
      }
    });
    const report = await underCoverage(deps, { programmeId: PROGRAMME, period: PERIOD });
    const underCoverageMs = await time(() => underCoverage(deps, { programmeId: PROGRAMME, period: PERIOD }));
    const openDataMs = await time(() => openData(deps, { programmeId: PROGRAMME, period: PERIOD }));
    if (report.eligible !== households || report.uncovered !== Math.floor(households / 10)) {
      throw new Error(`unexpected counts: ${JSON.stringify(report)}`);
    }
    return {
      households,
      underCoverageMs: Math.round(underCoverageMs),
      openDataMs: Math.round(openDataMs),
      baselineMs: Math.round(baselineMs),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const runs: Run[] = [];
  for (const size of SIZES) runs.push(await measure(size));
  if (asJson) {
    console.log(JSON.stringify({ runs }));
    return;
  }
  console.log("households  under-coverage  open data  baseline (vault read + hash each)");
  for (const run of runs) {
    console.log(
      `${String(run.households).padStart(10)}  ${`${run.underCoverageMs} ms`.padStart(14)}  ${`${run.openDataMs} ms`.padStart(9)}  ${`${run.baselineMs} ms`.padStart(9)}`,
    );
  }
  const [first, last] = [runs[0]!, runs.at(-1)!];
  if (runs.length > 1) {
    const scale = last.households / first.households;
    console.log(
      `×${scale} households: under-coverage ×${(last.underCoverageMs / first.underCoverageMs).toFixed(2)}, open data ×${(
        last.openDataMs / first.openDataMs
      ).toFixed(2)}, baseline ×${(last.baselineMs / first.baselineMs).toFixed(2)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
