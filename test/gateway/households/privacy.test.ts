import { expect } from "chai";
import { enrolHousehold, importHouseholdsCsv, sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId, toAsciiDigits } from "../../../src/identity";
import { csvOf, memberRow, streamOf } from "./csvFixture";
import { openHouseholdFixture, type HouseholdFixture } from "./householdFixture";

/**
 * The file as text with Persian and Arabic-Indic digits folded to ASCII, so one search finds an ID
 * stored in any script (or a mix of them).
 */
const fileText = (bytes: Buffer): string => toAsciiDigits(bytes.toString("utf8"));

/** Every 10- and 11-digit window of every run of digits: a set lookup replaces thousands of scans. */
function digitWindows(text: string): Set<string> {
  const windows = new Set<string>();
  for (const [run] of text.matchAll(/[0-9]{10,}/g)) {
    for (const size of [10, 11])
      for (let i = 0; i + size <= run.length; i++) windows.add(run.slice(i, i + size));
  }
  return windows;
}

describe("households: no personal data in the database file", () => {
  let fx: HouseholdFixture;

  function fixture() {
    fx = openHouseholdFixture();
    return fx;
  }

  afterEach(() => fx.cleanup());

  it("holds none of the national IDs, postal codes, names or phones used, in any digit script", async () => {
    const { ctx, store, fileBytes } = fixture();
    const sample = sampleHouseholdsCsv({ households: 300, seed: 11 });
    await importHouseholdsCsv(ctx, streamOf(sample.csv), { idempotencyKey: "privacy" });

    // Also the paths that store less common data: enrolment with a phone, a duplicate, an invalid row.
    const enrolled = [syntheticNationalId(900_001), syntheticNationalId(900_002)];
    await enrolHousehold(ctx, {
      members: enrolled.map((nationalId, i) => ({
        nationalId,
        name: `Roya ${i}`,
        phone: "+98 935 111 2233",
        jobCode: "retiree",
        isHead: i === 0,
      })),
      postalCode: "4471893522",
      attributes: { income: 1 },
    });
    const rejected = syntheticNationalId(900_003);
    const wrongCheck = rejected.slice(0, 9) + String((Number(rejected[9]) + 1) % 10);
    await importHouseholdsCsv(
      ctx,
      streamOf(
        csvOf([
          memberRow("D", rejected, true),
          memberRow("D", sample.nationalIds[0]!, false),
          memberRow("E", wrongCheck, true),
        ]),
      ),
      { idempotencyKey: "review" },
    );

    // The data really is there, encrypted: one vault record per household.
    const households = store.households.count();
    expect(households).to.equal(sample.householdCount + 1);
    expect(store.sqlite.prepare("SELECT count(*) FROM vault").pluck().get()).to.equal(households);

    store.close(); // folds the WAL into the file
    const text = fileText(fileBytes());
    const numbers = digitWindows(text);
    const ids = [...sample.nationalIds, ...enrolled, rejected, wrongCheck];
    const digitNeedles = [
      ...ids,
      ...sample.otherPersonalValues.filter((v) => /^[0-9]+$/.test(v)),
      "4471893522",
      "09351112233",
    ];
    const textNeedles = [...sample.otherPersonalValues.filter((v) => !/^[0-9]+$/.test(v)), "Roya"];
    expect(digitNeedles.length).to.be.greaterThan(2000);
    expect(textNeedles.length).to.be.greaterThan(900);
    expect(digitNeedles.filter((needle) => numbers.has(needle))).to.deep.equal([]);
    expect(textNeedles.filter((needle) => text.includes(needle))).to.deep.equal([]);
  });
});
