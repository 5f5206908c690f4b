import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TestSettlementToken__factory } from "../../../typechain-types";
import {
  createProgramme,
  entitlementIdOf,
  entitlementOf,
  householdAccountOf,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
} from "../helpers/ledger";
import { expectBalancesMatchEvents } from "../helpers/erc1155Oracle";
import { DAY, FOOD, Layer, LicenceKind, UNIT } from "../helpers/system";

/**
 * The squatting attack an independent review ran: a charity licensed only for an unrelated layer and category
 * made a programme in another group with a worthless token of its own, gave 3 wei and issued 1 wei to
 * households taken from public registration events, so every real charity of that group met
 * `HouseholdAlreadyCovered` for the whole period. Each step is now refused with its own error.
 */
describe("AidLedger: joining an exclusivity group is the regulator's decision", function () {
  const SHELTER = 9;

  async function fixture() {
    const world = await ledgerWorld();
    const { licences, regulator, deployer, ledger, stranger } = world;
    // The rogue: a licensed charity, but for the support layer and an unrelated category only.
    const rogue = stranger;
    const now = await time.latest();
    await licences
      .connect(regulator)
      .grantLicence(
        rogue.address,
        LicenceKind.Charity,
        1 << Layer.Support,
        1n << BigInt(SHELTER),
        now,
        now + 365 * DAY,
        "",
      );
    const junk = await new TestSettlementToken__factory(deployer).deploy();
    await junk.mint(rogue.address, 1000n);
    await junk.connect(rogue).approve(await ledger.getAddress(), ethers.MaxUint256);
    await world.token.mint(rogue.address, 1000n * UNIT);
    await world.token.connect(rogue).approve(await ledger.getAddress(), ethers.MaxUint256);
    return { ...world, rogue, junk };
  }

  async function rogueParams(world: Awaited<ReturnType<typeof fixture>>, overrides = {}) {
    return programmeParams(world.junk, {
      groupId: world.groupId,
      capPerPeriod: 1n,
      minGift: 1n,
      ...overrides,
    });
  }

  it("step 1: refuses a programme outside the charity's licence with CharityUnlicensed", async function () {
    const world = await loadFixture(fixture);
    await expect(world.ledger.connect(world.rogue).createProgramme(await rogueParams(world)))
      .to.be.revertedWithCustomError(world.ledger, "CharityUnlicensed")
      .withArgs(world.rogue.address, Layer.Relief, FOOD);
  });

  it("step 2: refuses a programme whose layer or category is not the group's with ExclusivityGroupMismatch", async function () {
    const world = await loadFixture(fixture);
    const params = await rogueParams(world, { layer: Layer.Support, category: SHELTER });
    await expect(world.ledger.connect(world.rogue).createProgramme(params))
      .to.be.revertedWithCustomError(world.ledger, "ExclusivityGroupMismatch")
      .withArgs(world.groupId);
  });

  it("step 3: refuses a worthless token of the charity's own with ExclusivityGroupMismatch, even when licensed", async function () {
    const world = await loadFixture(fixture);
    const { ledger, licences, regulator, rogue, groupId } = world;
    const now = await time.latest();
    await licences
      .connect(regulator)
      .grantLicence(
        rogue.address,
        LicenceKind.Charity,
        1 << Layer.Relief,
        1n << BigInt(FOOD),
        now,
        now + DAY * 365,
        "",
      );
    await expect(ledger.connect(rogue).createProgramme(await rogueParams(world)))
      .to.be.revertedWithCustomError(ledger, "ExclusivityGroupMismatch")
      .withArgs(groupId);
  });

  it("refuses an admitted charity licensed everywhere a programme differing from the group in layer, category or token alone", async function () {
    const world = await loadFixture(fixture);
    const { ledger, charity, token, junk, groupId } = world;
    const before = await ledger.programmeCount();
    for (const params of [
      await programmeParams(token, { groupId, layer: Layer.Support }),
      await programmeParams(token, { groupId, category: SHELTER }),
      await programmeParams(junk, { groupId }),
    ]) {
      await expect(ledger.connect(charity).createProgramme(params))
        .to.be.revertedWithCustomError(ledger, "ExclusivityGroupMismatch")
        .withArgs(groupId);
    }
    expect(await ledger.programmeCount()).to.equal(before);
  });

  it("step 4: refuses a matching programme of a charity the regulator did not admit with ExclusivityGroupAdmissionRequired", async function () {
    const world = await loadFixture(fixture);
    const { ledger, licences, regulator, rogue, groupId, token } = world;
    const now = await time.latest();
    await licences
      .connect(regulator)
      .grantLicence(
        rogue.address,
        LicenceKind.Charity,
        1 << Layer.Relief,
        1n << BigInt(FOOD),
        now,
        now + DAY * 365,
        "",
      );
    await expect(ledger.connect(rogue).createProgramme(await programmeParams(token, { groupId })))
      .to.be.revertedWithCustomError(ledger, "ExclusivityGroupAdmissionRequired")
      .withArgs(groupId, rogue.address);
  });

  it("step 5: refuses a cap, then a cover, below the group's minimum entitlement", async function () {
    const world = await loadFixture(fixture);
    const { ledger, charity, token, groupId, donor, households } = world;
    await expect(
      ledger.connect(charity).createProgramme(
        // A cap of 10 minimum gifts passes the lots-per-payment bound, so only the group's minimum refuses it.
        await programmeParams(token, { groupId, capPerPeriod: UNIT - 1n, minGift: UNIT / 10n }),
      ),
    )
      .to.be.revertedWithCustomError(ledger, "ProgrammeLimitsInvalid")
      .withArgs(UNIT - 1n, UNIT / 10n);
    const programmeId = await createProgramme(ledger, charity, await programmeParams(token, { groupId }));
    await ledger.connect(donor).give(programmeId, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), 1n))
      .to.be.revertedWithCustomError(ledger, "EntitlementBelowGroupMinimum")
      .withArgs(1n, UNIT);
    await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), UNIT)).to.emit(
      ledger,
      "TransferSingle",
    );
  });

  it("step 6: a withdrawn admission stops issuance in the group at once", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, programmeId, groupId, households } = world;
    await expect(ledger.connect(regulator).setExclusivityGroupAdmission(groupId, [charity.address], false))
      .to.emit(ledger, "ExclusivityGroupAdmissionChanged")
      .withArgs(groupId, charity.address, false);
    expect(await ledger.isAdmittedToGroup(groupId, charity.address)).to.equal(false);
    await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "ExclusivityGroupAdmissionRequired")
      .withArgs(groupId, charity.address);
  });

  it("step 7: a programme the regulator closed frees the households it covered without a redemption", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, programmeId, groupId, token, donor, households, period } =
      world;
    const squatter = await createProgramme(ledger, charity2, await programmeParams(token, { groupId }));
    await ledger.connect(donor).give(squatter, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1, h2] = households;
    await issueTo(ledger, charity2, squatter, [h1, h2], UNIT);
    await expect(issueTo(ledger, charity, programmeId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);

    await ledger.connect(regulator).closeProgramme(squatter);
    const account = householdAccountOf(h1.householdRef);
    const tx = issueTo(ledger, charity, programmeId, [h1, h2], 10n * UNIT);
    // The closed programme's unredeemable cover is burned, then the real one minted, each with its event.
    await expect(tx)
      .to.emit(ledger, "TransferSingle")
      .withArgs(charity.address, account, ethers.ZeroAddress, entitlementIdOf(squatter, period), UNIT);
    await expect(tx)
      .to.emit(ledger, "TransferSingle")
      .withArgs(
        charity.address,
        ethers.ZeroAddress,
        account,
        entitlementIdOf(programmeId, period),
        10n * UNIT,
      );
    expect(await ledger.coveragesInScope(programmeId, h1.householdRef, period)).to.deep.equal([
      [programmeId, 10n * UNIT, 0n],
    ]);
    expect(await entitlementOf(ledger, h1.householdRef, squatter)).to.equal(0);
    await expectBalancesMatchEvents(
      ledger,
      h1.members.map((m) => m.wallet.address),
    );
  });

  it("keeps a closed programme's place when its household redeemed from it: a receipt of it may still be disputed", async function () {
    const world = await loadFixture(fixture);
    const {
      ledger,
      regulator,
      charity,
      charity2,
      vendor,
      programmeId,
      groupId,
      token,
      donor,
      households,
      period,
    } = world;
    const earlier = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { groupId, vendors: [vendor.address] }),
    );
    await ledger.connect(donor).give(earlier, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1] = households;
    await issueTo(ledger, charity2, earlier, [h1], 20n * UNIT);
    await redeemSigned(
      ledger,
      vendor,
      h1.members[0].wallet,
      await receiptFor(ledger, earlier, h1.householdRef, h1.members[0], vendor, 5n * UNIT),
    );
    await ledger.connect(regulator).closeProgramme(earlier);
    await expect(issueTo(ledger, charity, programmeId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
  });

  it("never gives the same programme a second place, even when an earlier place is free again", async function () {
    const world = await loadFixture(fixture);
    const { ledger, regulator, charity, charity2, programmeId, groupId, token, donor, households, period } =
      world;
    await ledger.connect(regulator).setExclusivityGroupCap(groupId, 2);
    const earlier = await createProgramme(ledger, charity2, await programmeParams(token, { groupId }));
    await ledger.connect(donor).give(earlier, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1] = households;
    await issueTo(ledger, charity2, earlier, [h1], UNIT);
    await issueTo(ledger, charity, programmeId, [h1], 10n * UNIT);
    await ledger.connect(regulator).closeProgramme(earlier);
    await expect(issueTo(ledger, charity, programmeId, [h1], 10n * UNIT))
      .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
      .withArgs(groupId, h1.householdRef, period);
  });

  describe("setExclusivityGroupAdmission", function () {
    it("admits several charities at once, each with its event", async function () {
      const { ledger, regulator, rogue, vendor, groupId } = await loadFixture(fixture);
      const tx = ledger
        .connect(regulator)
        .setExclusivityGroupAdmission(groupId, [rogue.address, vendor.address], true);
      await expect(tx)
        .to.emit(ledger, "ExclusivityGroupAdmissionChanged")
        .withArgs(groupId, rogue.address, true);
      await expect(tx)
        .to.emit(ledger, "ExclusivityGroupAdmissionChanged")
        .withArgs(groupId, vendor.address, true);
      expect(await ledger.isAdmittedToGroup(groupId, rogue.address)).to.equal(true);
    });

    it("reverts with ExclusivityGroupAdmissionUnchanged for the zero address or an admission it already has", async function () {
      const { ledger, regulator, charity, groupId } = await loadFixture(fixture);
      for (const who of [ethers.ZeroAddress, charity.address]) {
        await expect(ledger.connect(regulator).setExclusivityGroupAdmission(groupId, [who], true))
          .to.be.revertedWithCustomError(ledger, "ExclusivityGroupAdmissionUnchanged")
          .withArgs(groupId, who);
      }
    });

    it("reverts with ExclusivityGroupUnknown for a group that does not exist", async function () {
      const { ledger, regulator, charity } = await loadFixture(fixture);
      await expect(ledger.connect(regulator).setExclusivityGroupAdmission(77, [charity.address], true))
        .to.be.revertedWithCustomError(ledger, "ExclusivityGroupUnknown")
        .withArgs(77);
    });

    it("reverts with ProgrammeVendorsTooMany past MAX_VENDORS_AT_CREATION charities", async function () {
      const { ledger, regulator, groupId } = await loadFixture(fixture);
      const many = Array.from({ length: 51 }, (_, i) =>
        ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(i + 1), 20)),
      );
      await expect(ledger.connect(regulator).setExclusivityGroupAdmission(groupId, many, true))
        .to.be.revertedWithCustomError(ledger, "ProgrammeVendorsTooMany")
        .withArgs(51, 50);
    });
  });
});
