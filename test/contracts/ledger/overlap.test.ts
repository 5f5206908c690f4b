import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  createProgramme,
  entitlementOf,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
} from "../helpers/ledger";
import { PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: overlap guard across charities", function () {
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, vendor, donor, donor2, groupId, programmeId } = world;
    const fund = (id: bigint, from: typeof donor) =>
      ledger.connect(from).give(id, 1000n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    // Two charities in the same exclusivity group, a third programme in it, and one outside any group.
    const inGroup = { groupId, vendors: [vendor.address] };
    const charity2Id = await createProgramme(ledger, charity2, await programmeParams(token, inGroup));
    await fund(charity2Id, donor2);
    const thirdId = await createProgramme(ledger, charity, await programmeParams(token, inGroup));
    await fund(thirdId, donor);
    const grouplessId = await createProgramme(ledger, charity, await programmeParams(token));
    await fund(grouplessId, donor);
    return { ...world, charityId: programmeId, charity2Id, thirdId, grouplessId };
  }

  it("refuses charity2 a household that charity already covers this period", async function () {
    const { ledger, charity, charity2, charityId, charity2Id, households, groupId, period } =
      await loadFixture(fixture);
    const [h1] = households;
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await expect(issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
    // The group's one coverage is charity's, seen from either programme.
    const expected = [[charityId, 40n * UNIT, 0n]];
    expect(await ledger.coveragesInScope(charityId, h1.householdRef, period)).to.deep.equal(expected);
    expect(await ledger.coveragesInScope(charity2Id, h1.householdRef, period)).to.deep.equal(expected);
    expect(await ledger.coverageOf(charity2Id, h1.householdRef, period)).to.deep.equal([0n, 0n]);
    expect(await entitlementOf(ledger, h1.householdRef, charity2Id)).to.equal(0);
    expect((await ledger.fundsOf(charity2Id)).outstanding).to.equal(0);
  });

  it("refuses charity a household that charity2 covered first, whichever member is named", async function () {
    const { ledger, charity, charity2, charityId, charity2Id, households, groupId, period } =
      await loadFixture(fixture);
    const [h1] = households;
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    await expect(
      ledger.connect(charity).issueBatch(charityId, [h1.members[1].beneficiaryRef], [h1.householdRef], UNIT),
    )
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
  });

  it("guards each household separately", async function () {
    const { ledger, charity, charity2, charityId, charity2Id, households, period } =
      await loadFixture(fixture);
    const [h1, h2] = households;
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await issueTo(ledger, charity2, charity2Id, [h2], 30n * UNIT);
    expect(await ledger.coverageOf(charity2Id, h2.householdRef, period)).to.deep.equal([30n * UNIT, 0n]);
  });

  it("lets both charities cover a household when the group's cap is 2, but not a third programme", async function () {
    const {
      ledger,
      regulator,
      charity,
      charity2,
      charityId,
      charity2Id,
      thirdId,
      households,
      groupId,
      period,
    } = await loadFixture(fixture);
    const [h1] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    expect(await ledger.coveragesInScope(charityId, h1.householdRef, period)).to.deep.equal([
      [charityId, 40n * UNIT, 0n],
      [charity2Id, 30n * UNIT, 0n],
    ]);
    expect(await entitlementOf(ledger, h1.householdRef, charityId)).to.equal(40n * UNIT);
    expect(await entitlementOf(ledger, h1.householdRef, charity2Id)).to.equal(30n * UNIT);
    await expect(issueTo(ledger, charity, thirdId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
  });

  it("refuses the same programme twice in one period even when the cap is 2", async function () {
    const { ledger, regulator, charity, charityId, households, groupId, period } = await loadFixture(fixture);
    const [h1] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await expect(issueTo(ledger, charity, charityId, [h1], 40n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
    expect(await ledger.coveragesInScope(charityId, h1.householdRef, period)).to.have.length(1);
  });

  it("keeps a group-less programme independent of the group", async function () {
    const { ledger, charity, charityId, grouplessId, households, period } = await loadFixture(fixture);
    const [h1] = households;
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await issueTo(ledger, charity, grouplessId, [h1], 25n * UNIT);
    expect(await ledger.coveragesInScope(grouplessId, h1.householdRef, period)).to.deep.equal([
      [grouplessId, 25n * UNIT, 0n],
    ]);
    expect(await ledger.coveragesInScope(charityId, h1.householdRef, period)).to.deep.equal([
      [charityId, 40n * UNIT, 0n],
    ]);
    // A group-less programme still covers a household once per period.
    await expect(issueTo(ledger, charity, grouplessId, [h1], 25n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(0, h1.householdRef, period);
  });

  it("lets another charity cover the household again in the next period", async function () {
    const { ledger, charity, charity2, charityId, charity2Id, households, period } =
      await loadFixture(fixture);
    const [h1] = households;
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await time.increase(PERIOD);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    expect(await ledger.coveragesInScope(charity2Id, h1.householdRef, period + 1n)).to.deep.equal([
      [charity2Id, 30n * UNIT, 0n],
    ]);
    // The past period's record stays readable for audit.
    expect(await ledger.coverageOf(charityId, h1.householdRef, period)).to.deep.equal([40n * UNIT, 0n]);
    expect(await entitlementOf(ledger, h1.householdRef, charityId)).to.equal(0);
    expect(await entitlementOf(ledger, h1.householdRef, charityId, period)).to.equal(40n * UNIT);
    expect(await entitlementOf(ledger, h1.householdRef, charity2Id)).to.equal(30n * UNIT);
  });

  it("keeps an existing coverage readable and redeemable after the regulator lowers the cap", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, vendor, charityId, charity2Id, thirdId, households } =
      world;
    const { groupId, period } = world;
    const [h1] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 1);

    expect(await ledger.coverageOf(charity2Id, h1.householdRef, period)).to.deep.equal([30n * UNIT, 0n]);
    expect(await ledger.coveragesInScope(charity2Id, h1.householdRef, period)).to.deep.equal([
      [charityId, 40n * UNIT, 0n],
      [charity2Id, 30n * UNIT, 0n],
    ]);
    expect(await entitlementOf(ledger, h1.householdRef, charity2Id)).to.equal(30n * UNIT);
    const member = h1.members[0];
    await redeemSigned(
      ledger,
      vendor,
      member.wallet,
      await receiptFor(ledger, charity2Id, h1.householdRef, member, vendor, 30n * UNIT),
    );
    expect(await ledger.coverageOf(charity2Id, h1.householdRef, period)).to.deep.equal([
      30n * UNIT,
      30n * UNIT,
    ]);
    // New coverages must fit the lowered cap.
    await expect(issueTo(ledger, charity, thirdId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
  });

  it("frees a closed programme's place after the regulator lowers the cap only if the rest fit the new cap", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, charityId, charity2Id, thirdId, households } = world;
    const { groupId, period } = world;
    const [h1, h2] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity, charityId, [h1, h2], 40n * UNIT);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 1);
    await ledger.connect(charity).closeProgramme(charityId);
    // h1's first place is free again, but charity2's cover alone fills the lowered cap of 1.
    await expect(issueTo(ledger, charity, thirdId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
    expect(await ledger.coveragesInScope(thirdId, h1.householdRef, period)).to.deep.equal([
      [charityId, 40n * UNIT, 0n],
      [charity2Id, 30n * UNIT, 0n],
    ]);
    // h2 held only the closed programme's cover: its place is free under the lowered cap too.
    await issueTo(ledger, charity, thirdId, [h2], 10n * UNIT);
    expect(await ledger.coveragesInScope(thirdId, h2.householdRef, period)).to.deep.equal([
      [thirdId, 10n * UNIT, 0n],
    ]);
  });

  it("gives a new cover the first of two places that are free again, leaving the second as it was", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, charityId, charity2Id, thirdId, households } = world;
    const { groupId, period } = world;
    const [h1] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await ledger.connect(charity2).closeProgramme(charity2Id);
    await ledger.connect(charity).closeProgramme(charityId);
    await issueTo(ledger, charity, thirdId, [h1], 10n * UNIT);
    expect(await ledger.coveragesInScope(thirdId, h1.householdRef, period)).to.deep.equal([
      [thirdId, 10n * UNIT, 0n],
      [charityId, 40n * UNIT, 0n],
    ]);
  });

  it("frees no closed place beyond a lowered cap", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, charityId, charity2Id, thirdId, households } = world;
    const { groupId, period } = world;
    const [h1] = households;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT);
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await ledger.connect(charity).closeProgramme(charityId);
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 1);
    // The closed programme's place is the second, and charity2's running cover fills the cap of 1.
    await expect(issueTo(ledger, charity, thirdId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
    expect(await ledger.coveragesInScope(thirdId, h1.householdRef, period)).to.deep.equal([
      [charity2Id, 30n * UNIT, 0n],
      [charityId, 40n * UNIT, 0n],
    ]);
  });

  it("applies a raised cap to households already covered this period", async function () {
    const { ledger, regulator, charity, charity2, charityId, charity2Id, households, groupId } =
      await loadFixture(fixture);
    const [h1] = households;
    await issueTo(ledger, charity, charityId, [h1], 40n * UNIT);
    await expect(issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT)).to.be.revertedWithCustomError(
      ledger,
      "HouseholdAlreadyCovered",
    );
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    await expect(issueTo(ledger, charity2, charity2Id, [h1], 30n * UNIT)).to.not.be.reverted;
  });
});
