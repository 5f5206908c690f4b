import { expect } from "chai";
import { DuplicateError, GoneError, ValidationError } from "../../../src/errors";
import {
  assessEligibility,
  createHouseholdContext,
  enrolHousehold,
  listExportableHouseholds,
  shredHousehold,
  type EnrolHouseholdParams,
} from "../../../src/households";
import { beneficiaryRef, householdRef, syntheticNationalId, type NationalId } from "../../../src/identity";
import { testMasterKeys, testPeppers } from "../identity/testKeys";
import { openHouseholdFixture, rejectionOf, type HouseholdFixture } from "./householdFixture";

const HEAD = syntheticNationalId(1);
const SPOUSE = syntheticNationalId(2);
const CHILD = syntheticNationalId(3);
const toPersian = (digits: string) =>
  digits.replace(/[0-9]/g, (d) => String.fromCodePoint(0x06f0 + Number(d)));

function household(
  ids: string[] = [HEAD, SPOUSE, CHILD],
  extra: Partial<EnrolHouseholdParams> = {},
): EnrolHouseholdParams {
  return {
    members: ids.map((nationalId, i) => ({
      nationalId,
      name: `Member ${i}`,
      jobCode: ["homemaker", "employee", "pupil"][i % 3]!,
      isHead: i === 0,
    })),
    postalCode: "۱۳۱۸۵-۱۴۳۵۷",
    attributes: { income: 60_000_000, insured: false, disability: "physical", disabilitySeverity: "severe" },
    ...extra,
  };
}

describe("households: enrolHousehold", () => {
  let fx: HouseholdFixture;

  function fixture() {
    fx = openHouseholdFixture();
    return fx;
  }

  afterEach(() => fx.cleanup());

  it("enrols a household: refs out, roles and job codes in clear, personal data only in the vault", async () => {
    const { ctx, store } = fixture();
    const result = await enrolHousehold(
      ctx,
      household([toPersian(HEAD), SPOUSE, `${CHILD.slice(0, 3)}-${CHILD.slice(3)}`]),
    );

    expect(result.householdRef).to.equal(householdRef(ctx.peppers, HEAD));
    expect(result.members).to.deep.equal(
      [HEAD, SPOUSE, CHILD].map((id) => ({ beneficiaryRef: beneficiaryRef(ctx.peppers, id) })),
    );
    expect(store.households.get(result.householdRef)).to.include({
      status: "active",
      sensitive: false,
      pepperVersion: 1,
    });
    expect(store.members.listByHousehold(result.householdRef).map((m) => [m.role, m.jobCode])).to.deep.equal([
      ["head", "homemaker"],
      ["member", "employee"],
      ["member", "pupil"],
    ]);
    expect(ctx.vault.get(result.householdRef)).to.deep.equal({
      householdKey: HEAD,
      postalCode: "1318514357",
      members: [
        { nationalId: HEAD, name: "Member 0" },
        { nationalId: SPOUSE, name: "Member 1" },
        { nationalId: CHILD, name: "Member 2" },
      ],
      attributes: {
        income: 60_000_000,
        insured: false,
        disability: "physical",
        disabilitySeverity: "severe",
        size: 3,
      },
    });
  });

  it("refuses a person already enrolled elsewhere with a 409 naming the field, not the ID", async () => {
    const { ctx, store } = fixture();
    await enrolHousehold(ctx, household());
    const other = syntheticNationalId(50);
    // The same spouse, typed in Persian digits, in a new household.
    const error = await rejectionOf(enrolHousehold(ctx, household([other, toPersian(SPOUSE)])));
    expect(error).to.be.instanceOf(DuplicateError);
    expect(error).to.include({ status: 409, field: "members[1].nationalId", code: "enrolled_elsewhere" });
    expect(JSON.stringify(error) + error.message)
      .not.to.include(SPOUSE)
      .and.not.to.include(toPersian(SPOUSE));
    expect(store.households.count()).to.equal(1);
    expect(store.members.findByRefs([beneficiaryRef(ctx.peppers, other as NationalId)])).to.deep.equal([]);
  });

  it("refuses the same person listed twice in one household and writes nothing", async () => {
    const { ctx, store } = fixture();
    const error = await rejectionOf(enrolHousehold(ctx, household([HEAD, SPOUSE, toPersian(SPOUSE)])));
    expect(error).to.include({ status: 409, field: "members[2].nationalId", code: "repeated_in_household" });
    expect(store.households.count()).to.equal(0);
    expect(store.members.count()).to.equal(0);
  });

  it("enters a household once: enrolling it again is a 409 already_enrolled", async () => {
    const { ctx, store } = fixture();
    await enrolHousehold(ctx, household());
    const error = await rejectionOf(enrolHousehold(ctx, household()));
    expect(error).to.include({ status: 409, field: "members[0].nationalId", code: "already_enrolled" });
    expect(store.members.count()).to.equal(3);
  });

  it("refuses an invalid member with a 400 naming the member's field, and writes nothing", async () => {
    const { ctx, store } = fixture();
    const wrongCheck = SPOUSE.slice(0, 9) + String((Number(SPOUSE[9]) + 1) % 10);
    const error = await rejectionOf(enrolHousehold(ctx, household([HEAD, wrongCheck])));
    expect(error).to.be.instanceOf(ValidationError);
    expect(error).to.include({ status: 400, field: "members[1].nationalId", code: "checksum" });
    expect(error.message).not.to.include(wrongCheck);
    expect(store.households.count()).to.equal(0);
  });

  it("needs exactly one head, a valid postal code and a size no smaller than the members", async () => {
    const { ctx } = fixture();
    const noHead = household();
    noHead.members.forEach((m) => (m.isHead = false));
    expect(await rejectionOf(enrolHousehold(ctx, noHead))).to.include({
      field: "members",
      code: "missing_head",
    });
    const twoHeads = household();
    twoHeads.members[2]!.isHead = true;
    expect(await rejectionOf(enrolHousehold(ctx, twoHeads))).to.include({
      field: "members[2].isHead",
      code: "multiple_heads",
    });
    expect(await rejectionOf(enrolHousehold(ctx, household(undefined, { postalCode: "12345" })))).to.include({
      field: "postalCode",
      code: "length",
    });
    expect(
      await rejectionOf(enrolHousehold(ctx, household(undefined, { attributes: { size: 2 } }))),
    ).to.include({
      field: "attributes.size",
      code: "smaller_than_members",
    });
    expect(
      await rejectionOf(
        enrolHousehold(ctx, household(undefined, { attributes: { disabilitySeverity: "mild" } })),
      ),
    ).to.include({ field: "attributes.disabilitySeverity", code: "custom" });
    const badJob = household();
    badJob.members[1]!.jobCode = "astronaut";
    expect(await rejectionOf(enrolHousehold(ctx, badJob))).to.include({
      field: "members[1].jobCode",
      code: "unknown_job_code",
    });
  });

  it("flags households with military or security staff and keeps them out of exports", async () => {
    const { ctx, store } = fixture();
    const open = await enrolHousehold(ctx, household());
    const guarded = household([syntheticNationalId(60), syntheticNationalId(61)]);
    guarded.members[1]!.jobCode = "کادر نظامي و امنيتي"; // Persian label typed with Arabic yeh
    const sensitive = await enrolHousehold(ctx, guarded);
    expect(store.households.get(sensitive.householdRef)!.sensitive).to.equal(true);
    expect(store.members.listByHousehold(sensitive.householdRef)[1]!.jobCode).to.equal("military_security");
    expect(await listExportableHouseholds(ctx)).to.deep.equal([
      {
        householdRef: open.householdRef,
        members: 3,
        enrolledAt: store.households.get(open.householdRef)!.createdAt,
      },
    ]);
  });

  it("still finds people enrolled under an older pepper after a rotation", async () => {
    const { ctx, store } = fixture();
    const before = await enrolHousehold(ctx, household());
    const rotated = createHouseholdContext({
      store,
      peppers: testPeppers([1, 2], 2),
      masterKeys: testMasterKeys(),
    });
    const error = await rejectionOf(enrolHousehold(rotated, household([syntheticNationalId(70), CHILD])));
    expect(error).to.include({ code: "enrolled_elsewhere", field: "members[1].nationalId" });
    // New households get refs under the new pepper.
    const after = await enrolHousehold(rotated, household([syntheticNationalId(71)]));
    expect(after.householdRef).to.equal(householdRef(rotated.peppers, syntheticNationalId(71), 2));
    expect(store.households.get(after.householdRef)!.pepperVersion).to.equal(2);
    expect(before.householdRef).to.equal(householdRef(rotated.peppers, HEAD, 1));
  });

  it("shreds a household: its personal data becomes unreadable and it leaves exports", async () => {
    const { ctx, store } = fixture();
    const { householdRef: ref } = await enrolHousehold(ctx, household());
    expect(await shredHousehold(ctx, { householdRef: ref })).to.deep.equal({ shredded: true });
    expect(store.households.get(ref)!.status).to.equal("shredded");
    expect(() => ctx.vault.get(ref)).to.throw(GoneError);
    expect(await listExportableHouseholds(ctx)).to.deep.equal([]);
    const programme = {
      id: "p",
      layer: "relief" as const,
      category: "food",
      targetGroups: [{ name: "all", all: [] }],
    };
    expect(await rejectionOf(assessEligibility(ctx, { householdRef: ref, programme }))).to.include({
      status: 410,
    });
    expect(await shredHousehold(ctx, { householdRef: ref })).to.deep.equal({ shredded: false });
  });
});
