import { expect } from "chai";
import {
  createHouseholdContext,
  enrolHousehold,
  findHouseholdByPhone,
  indexPhoneBacklog,
  shredHousehold,
  type EnrolHouseholdParams,
} from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import { testMasterKeys, testPeppers } from "../identity/testKeys";
import { openHouseholdFixture, type HouseholdFixture } from "./householdFixture";

const PHONE = "09121234567";
const SPOUSE_PHONE = "09351112233";

function household(seed: number, phones: (string | undefined)[]): EnrolHouseholdParams {
  return {
    members: phones.map((phone, i) => ({
      nationalId: syntheticNationalId(seed + i),
      jobCode: "employee",
      isHead: i === 0,
      ...(phone !== undefined && { phone }),
    })),
    postalCode: "1318514357",
  };
}

describe("households: the keyed phone index", () => {
  let fx: HouseholdFixture;
  beforeEach(() => {
    fx = openHouseholdFixture();
  });
  afterEach(() => fx.cleanup());

  const rows = () => fx.store.sqlite.prepare("SELECT * FROM phone_refs").all() as Record<string, unknown>[];

  it("finds the member who gave the number, however the caller's number is written", async () => {
    const enrolled = await enrolHousehold(fx.ctx, household(7_001, [PHONE, SPOUSE_PHONE, undefined]));
    const [head, spouse] = enrolled.members.map((member) => member.beneficiaryRef);
    for (const written of [PHONE, "+989121234567", "00989121234567", "989121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷"]) {
      expect(findHouseholdByPhone(fx.ctx, written), written).to.deep.include({
        householdRef: enrolled.householdRef,
        beneficiaryRef: head,
        phoneRef: rows().find((row) => row.beneficiary_ref === head)!.phone_ref,
      });
    }
    expect(findHouseholdByPhone(fx.ctx, SPOUSE_PHONE)?.beneficiaryRef).to.equal(spouse);
    expect(rows()).to.have.length(2);
    for (const row of rows()) expect(row.phone_ref).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("finds nobody for an unknown, malformed or shared number, nor after the household is erased", async () => {
    const first = await enrolHousehold(fx.ctx, household(7_101, [PHONE]));
    await enrolHousehold(fx.ctx, household(7_201, [SPOUSE_PHONE]));
    await enrolHousehold(fx.ctx, household(7_301, [SPOUSE_PHONE]));
    expect(findHouseholdByPhone(fx.ctx, "09120000000")).to.equal(undefined);
    expect(findHouseholdByPhone(fx.ctx, "12345")).to.equal(undefined);
    expect(findHouseholdByPhone(fx.ctx, SPOUSE_PHONE), "two households share it").to.equal(undefined);

    expect(findHouseholdByPhone(fx.ctx, PHONE)?.householdRef).to.equal(first.householdRef);
    await shredHousehold(fx.ctx, { householdRef: first.householdRef });
    expect(findHouseholdByPhone(fx.ctx, PHONE)).to.equal(undefined);
    expect(rows().filter((row) => row.household_ref === first.householdRef)).to.deep.equal([]);
  });

  it("keeps finding callers enrolled under an older pepper after a rotation", async () => {
    const enrolled = await enrolHousehold(fx.ctx, household(7_401, [PHONE]));
    const rotated = createHouseholdContext({
      store: fx.store,
      peppers: testPeppers([1, 2]),
      masterKeys: testMasterKeys(),
    });
    expect(findHouseholdByPhone(rotated, PHONE)?.householdRef).to.equal(enrolled.householdRef);
  });

  it("indexes, once, the numbers of households enrolled before the index existed (the migration's backlog)", async () => {
    const before = await enrolHousehold(fx.ctx, household(7_501, [undefined, PHONE]));
    const erased = await enrolHousehold(fx.ctx, household(7_601, [SPOUSE_PHONE]));
    // As migration 13 found them: no phone refs, every active household queued.
    fx.store.sqlite.exec("DELETE FROM phone_refs");
    fx.store.sqlite.exec(
      "INSERT INTO phone_refs_backlog SELECT household_ref FROM households WHERE status = 'active'",
    );
    fx.store.sqlite
      .prepare("UPDATE households SET status = 'shredded' WHERE household_ref = ?")
      .run(erased.householdRef);
    fx.ctx.vault.shred(erased.householdRef);
    expect(findHouseholdByPhone(fx.ctx, PHONE)).to.equal(undefined);

    expect(await indexPhoneBacklog(fx.ctx, 1)).to.equal(2);
    expect(findHouseholdByPhone(fx.ctx, PHONE)).to.deep.include({
      householdRef: before.householdRef,
      beneficiaryRef: before.members[1]!.beneficiaryRef,
    });
    expect(findHouseholdByPhone(fx.ctx, SPOUSE_PHONE)).to.equal(undefined);
    expect(fx.store.sqlite.prepare("SELECT count(*) FROM phone_refs_backlog").pluck().get()).to.equal(0);
    expect(await indexPhoneBacklog(fx.ctx), "nothing left to do").to.equal(0);
  });

  it("never writes the number in clear (or unkeyed) into the database file", async () => {
    await enrolHousehold(fx.ctx, household(7_701, [PHONE]));
    fx.store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    const bytes = fx.fileBytes().toString("latin1");
    expect(bytes.includes(PHONE)).to.equal(false);
    expect(bytes.includes(PHONE.slice(1))).to.equal(false);
  });
});
