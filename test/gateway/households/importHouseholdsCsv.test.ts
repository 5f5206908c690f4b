import { expect } from "chai";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../../../src/db";
import {
  createHouseholdContext,
  getImportReport,
  importHouseholdsCsv,
  sampleHouseholdsCsv,
  type ImportProgress,
} from "../../../src/households";
import { beneficiaryRef, householdRef, requestFingerprint, syntheticNationalId } from "../../../src/identity";
import { testMasterKeys } from "../identity/testKeys";
import { csvOf, memberRow, streamOf } from "./csvFixture";
import { expectSameDeep, openHouseholdFixture, rejectionOf, type HouseholdFixture } from "./householdFixture";

describe("households: importHouseholdsCsv", () => {
  const opened: HouseholdFixture[] = [];

  function fixture() {
    const fx = openHouseholdFixture();
    opened.push(fx);
    return fx;
  }

  afterEach(() => opened.splice(0).forEach((fx) => fx.cleanup()));

  // 570 households of 1 to 6 members: about 2,000 rows.
  const sample = sampleHouseholdsCsv({ households: 570, seed: 7, militaryShare: 0.05 });

  it("imports ~2,000 rows from a file, streaming, reporting progress along the way", async () => {
    const { ctx, store, dir } = fixture();
    const path = join(dir, "households.csv");
    writeFileSync(path, sample.csv);
    const progress: ImportProgress[] = [];

    const result = await importHouseholdsCsv(ctx, path, {
      idempotencyKey: "batch-1",
      onProgress: (p) => progress.push(p),
    });

    expect(sample.rowCount).to.be.within(1900, 2200);
    expect(result).to.deep.include({ status: "completed", replayed: false, errorCode: null });
    expect(result.counts).to.deep.equal({
      rows: sample.rowCount,
      enrolled: sample.rowCount,
      alreadyEnrolled: 0,
      invalid: 0,
      duplicate: 0,
      held: 0,
      householdsEnrolled: sample.householdCount,
    });
    expect(result.fileSha256).to.match(/^[0-9a-f]{64}$/);
    // The file holds national IDs: it is fingerprinted with the pepper, never by a plain hash.
    expect(result.fileSha256).to.equal(requestFingerprint(ctx.peppers, "household-import", sample.csv));
    expect(result.fileSha256).to.not.equal(createHash("sha256").update(sample.csv).digest("hex"));
    expectSameDeep(
      result.rows.map((r) => [r.rowNo, r.status, r.beneficiaryRef]),
      sample.nationalIds.map((id, i) => [i + 1, "enrolled", beneficiaryRef(ctx.peppers, id)]),
    );
    expect(result.reviews).to.deep.equal([]);
    expect(store.households.count()).to.equal(sample.householdCount);
    expect(store.members.count()).to.equal(sample.rowCount);
    const sensitive = store.households.count() - store.households.listExportable().length;
    expect(sensitive).to.be.greaterThan(0);

    // Progress: several reports, rows only ever growing, the last one complete.
    expect(progress.length).to.be.within(7, 12);
    progress.slice(1).forEach((p, i) => expect(p.rowsRead).to.be.greaterThan(progress[i]!.rowsRead));
    expect(progress.at(-1)).to.deep.include({
      done: true,
      rowsRead: sample.rowCount,
      householdsProcessed: sample.householdCount,
    });
    expect(progress.at(-1)!.counts.enrolled).to.equal(sample.rowCount);
    expect(progress.slice(0, -1).every((p) => !p.done)).to.equal(true);
  });

  it("is idempotent: the same key and file return the stored result and write nothing", async () => {
    const { ctx, store } = fixture();
    const first = await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    const calls: ImportProgress[] = [];
    const again = await importHouseholdsCsv(ctx, streamOf(sample.csv), {
      idempotencyKey: "batch-1",
      onProgress: (p) => calls.push(p),
    });

    expect(again.replayed).to.equal(true);
    expectSameDeep({ ...again, replayed: false }, first);
    expect(calls).to.deep.equal([]);
    expect(store.members.count()).to.equal(sample.rowCount);
    expectSameDeep(await getImportReport(ctx, { importId: first.importId }), omitReplayed(first));
  });

  it("refuses the same key with a different file (409) and writes nothing", async () => {
    const { ctx, store } = fixture();
    await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    const other = sampleHouseholdsCsv({ households: 3, firstIdSeed: 900_000 });
    const error = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(other.csv), { idempotencyKey: "batch-1" }),
    );
    expect(error).to.include({ status: 409, field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(store.members.count()).to.equal(sample.rowCount);
  });

  it("writes nothing new when the same file comes again under a new key: every row already enrolled", async () => {
    const { ctx, store } = fixture();
    const first = await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    const second = await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1-resent" });
    expect(second.importId).not.to.equal(first.importId);
    expect(second.counts).to.deep.include({
      alreadyEnrolled: sample.rowCount,
      enrolled: 0,
      duplicate: 0,
      householdsEnrolled: 0,
    });
    expectSameDeep(
      second.rows.map((r) => r.beneficiaryRef),
      first.rows.map((r) => r.beneficiaryRef),
    );
    expect(store.members.count()).to.equal(sample.rowCount);
    expect(store.households.count()).to.equal(sample.householdCount);
  });

  it("refuses a second concurrent import under the same key (409) and lets the first finish", async () => {
    const { ctx, store } = fixture();
    const first = importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    const second = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" }),
    );
    expect(second).to.include({ status: 409, code: "import_in_progress" });
    expect((await first).counts.enrolled).to.equal(sample.rowCount);
    expect(store.members.count()).to.equal(sample.rowCount);
  });

  it("marks the import failed when the progress callback throws, and resumes cleanly", async () => {
    const { ctx, store } = fixture();
    const failing = importHouseholdsCsv(ctx, streamOf(sample.csv), {
      idempotencyKey: "batch-1",
      progressEvery: 100,
      onProgress: (p) => {
        if (p.rowsRead >= 500) throw new Error("listener failed");
      },
    });
    const error = await failing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error).with.property("message", "listener failed");
    const partial = store.members.count();
    expect(partial).to.be.within(500, 600);
    expect(store.imports.findByIdempotencyKey("batch-1")!.status).to.equal("failed");
    const resumed = await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    expect(resumed.counts).to.deep.include({ enrolled: sample.rowCount, alreadyEnrolled: 0 });
    expect(store.members.count()).to.equal(sample.rowCount);
  });

  it("sends duplicates to a review list and holds their households back whole", async () => {
    const { ctx, store } = fixture();
    const small = sampleHouseholdsCsv({ households: 5, seed: 3, maxMembers: 3 });
    await importHouseholdsCsv(ctx, streamOf(small.csv), { idempotencyKey: "first" });
    const enrolledHead = small.nationalIds[0]!;
    const enrolledMember = small.nationalIds.at(-1)!;
    const fresh = (n: number) => syntheticNationalId(500_000 + n);

    const csv = csvOf([
      memberRow("X", fresh(1), true), // row 1: X holds someone enrolled elsewhere
      memberRow("X", enrolledMember, false), // row 2
      memberRow("Y", fresh(2), true), // row 3: Y lists one person twice
      memberRow("Y", fresh(3), false), // row 4
      memberRow("Y", fresh(3).split("").join(" "), false), // row 5: the same ID with spaces
      memberRow("W", enrolledHead, true), // row 6: an enrolled household with a newcomer
      memberRow("W", fresh(4), false), // row 7
      memberRow("Z", fresh(5), true), // row 8: clean
      memberRow("Z", fresh(6), false), // row 9
    ]);
    const result = await importHouseholdsCsv(ctx, streamOf(csv), { idempotencyKey: "second" });

    expect(result.rows.map((r) => [r.rowNo, r.status, r.errorCode])).to.deep.equal([
      [1, "held", "household_held_for_review"],
      [2, "duplicate", "enrolled_elsewhere"],
      [3, "held", "household_held_for_review"],
      [4, "held", "household_held_for_review"],
      [5, "duplicate", "repeated_in_household"],
      [6, "held", "household_held_for_review"],
      [7, "duplicate", "household_already_enrolled"],
      [8, "enrolled", null],
      [9, "enrolled", null],
    ]);
    const enrolledHousehold = store.members.findByRefs([beneficiaryRef(ctx.peppers, enrolledMember)])[0]!
      .householdRef;
    expect(
      result.reviews.map((r) => [
        r.rowNo,
        r.reason,
        r.existingHouseholdRef,
        r.proposedHouseholdRef,
        r.status,
      ]),
    ).to.deep.equal([
      [2, "enrolled_elsewhere", enrolledHousehold, householdRef(ctx.peppers, fresh(1)), "open"],
      [5, "repeated_in_household", null, householdRef(ctx.peppers, fresh(2)), "open"],
      [
        7,
        "household_already_enrolled",
        householdRef(ctx.peppers, enrolledHead),
        householdRef(ctx.peppers, enrolledHead),
        "open",
      ],
    ]);
    expect(result.reviews[0]!.beneficiaryRef).to.equal(beneficiaryRef(ctx.peppers, enrolledMember));
    // Nothing of X, Y or the newcomer to W was written.
    for (const id of [fresh(1), fresh(2), fresh(3), fresh(4)]) {
      expect(store.members.findByRefs([beneficiaryRef(ctx.peppers, id)])).to.deep.equal([]);
    }
    expect(store.households.get(householdRef(ctx.peppers, fresh(1)))).to.equal(undefined);
    expect(store.households.count()).to.equal(small.householdCount + 1);
  });

  it("leaves no half-written household when it crashes mid-household, and a re-run completes it", async () => {
    const { ctx, store } = fixture();
    const crashHousehold = sample.householdSizes.findIndex((size, i) => i >= 40 && size >= 3);
    const rowsBefore = sample.householdSizes.slice(0, crashHousehold).reduce((a, b) => a + b, 0);
    let inserts = 0;
    // Fault injection: the real store, whose member insert dies on the crash household's 2nd member.
    const faulty: Store = {
      ...store,
      members: {
        ...store.members,
        insert(record) {
          if (++inserts === rowsBefore + 2) throw new Error("simulated crash");
          store.members.insert(record);
        },
      },
    };
    const crashing = createHouseholdContext({
      store: faulty,
      peppers: ctx.peppers,
      masterKeys: testMasterKeys(),
      now: ctx.now,
    });

    let crash: unknown;
    await importHouseholdsCsv(crashing, streamOf(sample.csv), { idempotencyKey: "batch-1" }).catch(
      (e) => (crash = e),
    );
    expect(crash).to.be.instanceOf(Error).with.property("message", "simulated crash");

    const record = store.imports.findByIdempotencyKey("batch-1")!;
    expect(record).to.deep.include({ status: "failed", errorCode: "internal" });
    expect(store.households.count()).to.equal(crashHousehold);
    expect(store.members.count()).to.equal(rowsBefore);
    const headId = sample.nationalIds[rowsBefore]!;
    const crashedRef = householdRef(ctx.peppers, headId);
    expect(store.households.get(crashedRef)).to.equal(undefined);
    expect(store.members.findByRefs([beneficiaryRef(ctx.peppers, headId)])).to.deep.equal([]);
    expect(store.vaultRecords.get(crashedRef)).to.equal(undefined);
    expect(store.vaultKeys.get(crashedRef)).to.equal(undefined);
    expect(Math.max(...store.imports.recordedRowNumbers(record.importId))).to.equal(rowsBefore);

    // Resume with the same key: completes, and ends exactly where an uninterrupted import would.
    const resumed = await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "batch-1" });
    expect(resumed).to.deep.include({ importId: record.importId, status: "completed", replayed: false });
    const clean = fixture();
    const reference = await importHouseholdsCsv(clean.ctx, streamOf(sample.csv), {
      idempotencyKey: "batch-1",
    });
    expectSameDeep(resumed.rows, reference.rows);
    expect(resumed.counts).to.deep.equal(reference.counts);
    expect(resumed.fileSha256).to.equal(reference.fileSha256);
    expect(store.members.count()).to.equal(sample.rowCount);
  });

  it("reports each bad row by column and code, holding back the rest of its household", async () => {
    const { ctx, store } = fixture();
    const id = (n: number) => syntheticNationalId(700_000 + n);
    const wrongCheck = id(1).slice(0, 9) + String((Number(id(1)[9]) + 1) % 10);
    const csv = csvOf([
      memberRow("A", id(0), true), // 1
      memberRow("A", wrongCheck, false), // 2: bad check digit
      memberRow("B", id(2), false), // 3: no head in B
      memberRow("C", id(3), true), // 4
      memberRow("C", id(4), false, { postal_code: "1111111111" }), // 5: contradicts the head's postal code
      memberRow("D", id(5), true, { job_code: "astronaut" }), // 6
      memberRow("E", id(6), true, { postal_code: "123" }), // 7
      memberRow("A", id(7), false), // 8: A again, after other households
      memberRow("", id(8), true), // 9: no household key
      memberRow("F", id(9), true, { disability: "mental", income: "12,000,000" }), // 10: unknown disability
      memberRow("G", id(10), true, {
        income: "۴۵٬۰۰۰٬۰۰۰",
        social_harms: "addiction;homelessness",
        disability: "sensory",
      }), // 11
    ]);
    const result = await importHouseholdsCsv(ctx, streamOf(csv), { idempotencyKey: "bad" });
    expect(result.rows.map((r) => [r.rowNo, r.status, r.errorField, r.errorCode])).to.deep.equal([
      [1, "held", null, "household_rejected"],
      [2, "invalid", "national_id", "checksum"],
      [3, "invalid", "is_head", "missing_head"],
      [4, "held", null, "household_rejected"],
      [5, "invalid", "postal_code", "conflicts_with_head"],
      [6, "invalid", "job_code", "unknown_job_code"],
      [7, "invalid", "postal_code", "length"],
      [8, "invalid", "household_key", "not_contiguous"],
      [9, "invalid", "household_key", "required"],
      [10, "invalid", "disability", "invalid_value"],
      [11, "enrolled", null, null],
    ]);
    expect(result.rows[1]!.beneficiaryRef).to.equal(null);
    expect(result.rows[0]!.beneficiaryRef).to.equal(beneficiaryRef(ctx.peppers, id(0)));
    expect(store.households.count()).to.equal(1);
    expect(ctx.vault.get<{ attributes: object }>(householdRef(ctx.peppers, id(10))).attributes).to.deep.equal(
      {
        income: 45_000_000,
        socialHarms: ["addiction", "homelessness"],
        disability: "sensory",
        insured: false,
        size: 1,
      },
    );
  });

  it("refuses a malformed line 3,003 before writing anything: no household, no imports row", async () => {
    const { ctx, store } = fixture();
    const big = sampleHouseholdsCsv({ households: 1000, seed: 11, maxMembers: 5 });
    const lines = big.csv.trimEnd().split("\n");
    expect(lines.length).to.be.greaterThan(3003);
    lines.splice(3003, 0, `HX,"${syntheticNationalId(810_000)},1`);
    const refused = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(lines.join("\n") + "\n"), { idempotencyKey: "late-bad-line" }),
    );
    expect(refused).to.include({ status: 400, field: "file", code: "malformed_csv" });
    expect(store.households.count()).to.equal(0);
    expect(store.members.count()).to.equal(0);
    expect(store.imports.findByIdempotencyKey("late-bad-line")).to.equal(undefined);
    // The fixed file then imports whole under the same key.
    const fixed = await importHouseholdsCsv(ctx, streamOf(big.csv), { idempotencyKey: "late-bad-line" });
    expect(fixed.counts.enrolled).to.equal(big.rowCount);
  });

  it("refuses an interrupted key resumed with another file (409 idempotency_key_reused)", async () => {
    const { ctx, store } = fixture();
    const failing = await importHouseholdsCsv(ctx, streamOf(sample.csv), {
      idempotencyKey: "batch-1",
      progressEvery: 100,
      onProgress: (p) => {
        if (p.rowsRead >= 300) throw new Error("listener failed");
      },
    }).catch((e: unknown) => e);
    expect(failing).to.be.instanceOf(Error);
    const partial = store.members.count();
    const other = sampleHouseholdsCsv({ households: 20, seed: 99, firstIdSeed: 900_000 });
    const reused = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(other.csv), { idempotencyKey: "batch-1" }),
    );
    expect(reused).to.include({ status: 409, field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(store.members.count()).to.equal(partial);
  });

  it("refuses a bad header or a malformed file with a 400 that quotes nothing from the file", async () => {
    const { ctx, store } = fixture();
    const id = syntheticNationalId(800_000);
    const headerless = `H1,${id},1,employee,,,1318514357\n`;
    const noHeader = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(headerless), { idempotencyKey: "k1" }),
    );
    expect(noHeader).to.include({ status: 400, field: "header", code: "unknown_column" });
    expect(noHeader.message).not.to.include(id);

    const missing = await rejectionOf(
      importHouseholdsCsv(ctx, streamOf(csvOf([], ["household_key", "national_id", "is_head", "job_code"])), {
        idempotencyKey: "k2",
      }),
    );
    expect(missing).to.include({ field: "postal_code", code: "missing_column" });

    const broken = csvOf([memberRow("H1", id, true)]) + `H2,"${id},1\n`;
    const malformed = await rejectionOf(importHouseholdsCsv(ctx, streamOf(broken), { idempotencyKey: "k3" }));
    expect(malformed).to.include({ status: 400, field: "file", code: "malformed_csv" });
    expect(JSON.stringify(malformed) + malformed.message).not.to.include(id);
    // Refused means nothing written: no imports row to clean up, and the households before the bad line
    // were not committed either.
    expect(store.imports.findByIdempotencyKey("k3")).to.equal(undefined);
    expect(store.imports.findByIdempotencyKey("k1")).to.equal(undefined);
    expect(store.households.count()).to.equal(0);

    const empty = await rejectionOf(importHouseholdsCsv(ctx, streamOf(""), { idempotencyKey: "k4" }));
    expect(empty).to.include({ field: "header", code: "missing_header" });
    const noKey = await rejectionOf(importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: " " }));
    expect(noKey).to.include({ field: "idempotencyKey", status: 400 });
    const missingFile = await rejectionOf(
      importHouseholdsCsv(ctx, "/nonexistent/households.csv", { idempotencyKey: "k5" }),
    );
    expect(missingFile).to.include({ field: "file", code: "unreadable" });
  });
});

function omitReplayed<T extends { replayed?: boolean }>(value: T): Omit<T, "replayed"> {
  const { replayed: _, ...rest } = value;
  return rest;
}
