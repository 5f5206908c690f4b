import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  createGroup,
  createProgramme,
  groupParams,
  issueTo,
  ledgerWorld,
  programmeParams,
} from "../helpers/ledger";
import { DAY, FOOD, Layer, LicenceKind, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: programmes and exclusivity groups", function () {
  async function fixture() {
    const world = await ledgerWorld();
    // A programme that opens in two periods, to see what "not started" refuses and allows.
    const futureStart = world.periodStart + 2 * PERIOD;
    const laterProgrammeId = await createProgramme(
      world.ledger,
      world.charity2,
      await programmeParams(world.token, { startsAt: futureStart, endsAt: futureStart + PERIOD }),
    );
    return { ...world, futureStart, laterProgrammeId };
  }

  describe("constants", function () {
    it("exposes the documented bounds", async function () {
      const { ledger } = await loadFixture(fixture);
      expect(await ledger.MAX_GROUP_CAP()).to.equal(8);
      expect(await ledger.MAX_VENDORS_AT_CREATION()).to.equal(50);
      expect(await ledger.MAX_LOTS_PER_PAYMENT()).to.equal(64);
      expect(await ledger.MAX_ISSUE_BATCH()).to.equal(500);
      expect(await ledger.DISPUTE_WINDOW()).to.equal(14 * 24 * 3600);
    });
  });

  describe("createExclusivityGroup", function () {
    it("creates the next group bound to its layer, categories, token and minimum and emits ExclusivityGroupCreated", async function () {
      const { ledger, regulator, token } = await loadFixture(fixture);
      const params = await groupParams(token, {
        periodLength: 7 * DAY,
        maxCoverages: 3,
        minEntitlement: 5n * UNIT,
      });
      await expect(ledger.connect(regulator).createExclusivityGroup(params))
        .to.emit(ledger, "ExclusivityGroupCreated")
        .withArgs(2, Layer.Relief, 1n << BigInt(FOOD), await token.getAddress(), 7 * DAY, 3, 5n * UNIT);
      expect(await ledger.exclusivityGroup(2)).to.deep.equal([
        BigInt(7 * DAY),
        3n,
        BigInt(Layer.Relief),
        5n * UNIT,
        await token.getAddress(),
        1n << BigInt(FOOD),
      ]);
    });

    it("accepts the largest cap, MAX_GROUP_CAP", async function () {
      const { ledger, regulator, token } = await loadFixture(fixture);
      await expect(
        ledger.connect(regulator).createExclusivityGroup(await groupParams(token, { maxCoverages: 8 })),
      )
        .to.emit(ledger, "ExclusivityGroupCreated")
        .withArgs(2, Layer.Relief, 1n << BigInt(FOOD), await token.getAddress(), PERIOD, 8, UNIT);
    });

    for (const [label, overrides, periodLength, cap] of [
      ["a zero period", { periodLength: 0 }, 0, 1],
      ["a zero cap", { maxCoverages: 0 }, PERIOD, 0],
      ["a cap above MAX_GROUP_CAP", { maxCoverages: 9 }, PERIOD, 9],
      ["no category", { categories: 0n }, PERIOD, 1],
      ["a zero minimum entitlement", { minEntitlement: 0n }, PERIOD, 1],
    ] as const) {
      it(`reverts with ExclusivityGroupInvalid for ${label}`, async function () {
        const { ledger, regulator, token } = await loadFixture(fixture);
        await expect(ledger.connect(regulator).createExclusivityGroup(await groupParams(token, overrides)))
          .to.be.revertedWithCustomError(ledger, "ExclusivityGroupInvalid")
          .withArgs(periodLength, cap);
      });
    }

    it("reverts with ExclusivityGroupInvalid for the zero token", async function () {
      const { ledger, regulator, token } = await loadFixture(fixture);
      const params = { ...(await groupParams(token)), token: ethers.ZeroAddress };
      await expect(ledger.connect(regulator).createExclusivityGroup(params))
        .to.be.revertedWithCustomError(ledger, "ExclusivityGroupInvalid")
        .withArgs(PERIOD, 1);
    });

    it("reads an unknown group as zeros", async function () {
      const { ledger } = await loadFixture(fixture);
      expect(await ledger.exclusivityGroup(99)).to.deep.equal([0n, 0n, 0n, 0n, ethers.ZeroAddress, 0n]);
    });
  });

  describe("setExclusivityGroupCap", function () {
    it("changes the cap, keeps the period and emits ExclusivityGroupCapChanged", async function () {
      const { ledger, regulator, groupId } = await loadFixture(fixture);
      await expect(ledger.connect(regulator).setExclusivityGroupCap(groupId, 4))
        .to.emit(ledger, "ExclusivityGroupCapChanged")
        .withArgs(groupId, 4);
      const group = await ledger.exclusivityGroup(groupId);
      expect([group.periodLength, group.maxCoverages]).to.deep.equal([BigInt(PERIOD), 4n]);
    });

    for (const cap of [0, 9]) {
      it(`reverts with ExclusivityGroupInvalid for a cap of ${cap}`, async function () {
        const { ledger, regulator, groupId } = await loadFixture(fixture);
        await expect(ledger.connect(regulator).setExclusivityGroupCap(groupId, cap))
          .to.be.revertedWithCustomError(ledger, "ExclusivityGroupInvalid")
          .withArgs(PERIOD, cap);
      });
    }

    it("reverts with ExclusivityGroupUnknown for a group that does not exist", async function () {
      const { ledger, regulator } = await loadFixture(fixture);
      await expect(ledger.connect(regulator).setExclusivityGroupCap(99, 2))
        .to.be.revertedWithCustomError(ledger, "ExclusivityGroupUnknown")
        .withArgs(99);
    });
  });

  describe("createProgramme", function () {
    it("stores every parameter, emits ProgrammeCreated and VendorAllowanceChanged per vendor", async function () {
      const { ledger, regulator, token, charity2, vendor, vendor2 } = await loadFixture(fixture);
      const groupId = await createGroup(ledger, regulator, token, {
        layer: Layer.Support,
        categories: 1n << 7n,
        admit: [charity2],
      });
      const params = await programmeParams(token, {
        layer: Layer.Support,
        category: 7,
        groupId,
        capPerPeriod: 63n * UNIT,
        minGift: UNIT,
        requiresFieldAgent: true,
        metadataCid: "bafy-winter-fuel",
        vendors: [vendor.address, vendor2.address],
      });
      const tx = ledger.connect(charity2).createProgramme(params);
      await expect(tx)
        .to.emit(ledger, "ProgrammeCreated")
        .withArgs(
          3,
          charity2.address,
          Layer.Support,
          7,
          await token.getAddress(),
          groupId,
          PERIOD,
          63n * UNIT,
          params.startsAt,
          params.endsAt,
          "bafy-winter-fuel",
        );
      await expect(tx).to.emit(ledger, "VendorAllowanceChanged").withArgs(3, vendor.address, true);
      await expect(tx).to.emit(ledger, "VendorAllowanceChanged").withArgs(3, vendor2.address, true);

      expect(await ledger.programmeCount()).to.equal(3);
      const stored = await ledger.programme(3);
      expect(stored.charity).to.equal(charity2.address);
      expect(stored.startsAt).to.equal(params.startsAt);
      expect(stored.endsAt).to.equal(params.endsAt);
      expect(stored.layer).to.equal(Layer.Support);
      expect(stored.category).to.equal(7);
      expect(stored.token).to.equal(await token.getAddress());
      expect(stored.periodLength).to.equal(PERIOD);
      expect(stored.groupId).to.equal(groupId);
      expect(stored.paused).to.equal(false);
      expect(stored.requiresFieldAgent).to.equal(true);
      expect(stored.capPerPeriod).to.equal(63n * UNIT);
      expect(stored.minGift).to.equal(UNIT);
      expect(stored.metadataCid).to.equal("bafy-winter-fuel");
      expect(await ledger.isVendorAllowed(3, vendor.address)).to.equal(true);
      expect(await ledger.isVendorAllowed(3, vendor2.address)).to.equal(true);
      expect(await ledger.fundsOf(3)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
      expect(await ledger.currentPeriod(3)).to.equal(BigInt(Math.floor((await time.latest()) / PERIOD)));
    });

    it("numbers periods by block.timestamp / periodLength, per programme", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const id = await createProgramme(ledger, charity, await programmeParams(token, { periodLength: 3600 }));
      expect(await ledger.currentPeriod(id)).to.equal(BigInt(Math.floor((await time.latest()) / 3600)));
    });

    it("accepts a start in the past so long as the end is in the future", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const now = await time.latest();
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { startsAt: now - PERIOD, endsAt: now + 10 }),
      );
      expect((await ledger.programme(id)).startsAt).to.equal(now - PERIOD);
    });

    it("reverts with ProgrammeTokenZero for a zero settlement token", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      await expect(
        ledger.connect(charity).createProgramme(await programmeParams(token, { token: ethers.ZeroAddress })),
      ).to.be.revertedWithCustomError(ledger, "ProgrammeTokenZero");
    });

    it("reverts with ProgrammeWindowInvalid when the start is not before the end", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const now = await time.latest();
      await expect(
        ledger
          .connect(charity)
          .createProgramme(await programmeParams(token, { startsAt: now + PERIOD, endsAt: now + PERIOD })),
      )
        .to.be.revertedWithCustomError(ledger, "ProgrammeWindowInvalid")
        .withArgs(now + PERIOD, now + PERIOD);
    });

    it("reverts with ProgrammeWindowInvalid when the end is not in the future", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const now = await time.latest();
      // The transaction is mined at now + 1, so an end at now + 1 is already over.
      await expect(
        ledger
          .connect(charity)
          .createProgramme(await programmeParams(token, { startsAt: now - 10, endsAt: now + 1 })),
      )
        .to.be.revertedWithCustomError(ledger, "ProgrammeWindowInvalid")
        .withArgs(now - 10, now + 1);
    });

    it("reverts with ProgrammePeriodInvalid for a zero period without a group", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      await expect(ledger.connect(charity).createProgramme(await programmeParams(token, { periodLength: 0 })))
        .to.be.revertedWithCustomError(ledger, "ProgrammePeriodInvalid")
        .withArgs(0);
    });

    it("reverts with ProgrammePeriodInvalid when the period differs from the group's", async function () {
      const { ledger, token, charity, groupId } = await loadFixture(fixture);
      await expect(
        ledger
          .connect(charity)
          .createProgramme(await programmeParams(token, { groupId, periodLength: PERIOD + 1 })),
      )
        .to.be.revertedWithCustomError(ledger, "ProgrammePeriodInvalid")
        .withArgs(PERIOD + 1);
    });

    it("reverts with ExclusivityGroupUnknown for a group that does not exist", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      await expect(ledger.connect(charity).createProgramme(await programmeParams(token, { groupId: 42 })))
        .to.be.revertedWithCustomError(ledger, "ExclusivityGroupUnknown")
        .withArgs(42);
    });

    for (const [label, cap, minGift] of [
      ["a zero cap", 0n, UNIT],
      ["a zero minimum gift", 100n * UNIT, 0n],
      ["a cap of MAX_LOTS_PER_PAYMENT minimum gifts", 64n * UNIT, UNIT],
      ["a cap far above MAX_LOTS_PER_PAYMENT minimum gifts", 1000n * UNIT, 1n],
    ] as const) {
      it(`reverts with ProgrammeLimitsInvalid for ${label}`, async function () {
        const { ledger, token, charity } = await loadFixture(fixture);
        await expect(
          ledger
            .connect(charity)
            .createProgramme(await programmeParams(token, { capPerPeriod: cap, minGift })),
        )
          .to.be.revertedWithCustomError(ledger, "ProgrammeLimitsInvalid")
          .withArgs(cap, minGift);
      });
    }

    it("accepts a cap just under MAX_LOTS_PER_PAYMENT minimum gifts", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const cap = 64n * UNIT - 1n; // cap / minGift == 63
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { capPerPeriod: cap, minGift: UNIT }),
      );
      expect((await ledger.programme(id)).capPerPeriod).to.equal(cap);
    });

    it("accepts MAX_VENDORS_AT_CREATION vendors and reverts with ProgrammeVendorsTooMany above", async function () {
      const { ledger, token, charity } = await loadFixture(fixture);
      const vendors = Array.from({ length: 51 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x1000 + i, 20)));
      await expect(ledger.connect(charity).createProgramme(await programmeParams(token, { vendors })))
        .to.be.revertedWithCustomError(ledger, "ProgrammeVendorsTooMany")
        .withArgs(51, 50);
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { vendors: vendors.slice(0, 50) }),
      );
      expect(await ledger.isVendorAllowed(id, vendors[49])).to.equal(true);
      expect(await ledger.isVendorAllowed(id, vendors[50])).to.equal(false);
    });

    it("reverts with VendorListUnchanged for a zero or repeated vendor", async function () {
      const { ledger, token, charity, vendor } = await loadFixture(fixture);
      const next = (await ledger.programmeCount()) + 1n;
      await expect(
        ledger
          .connect(charity)
          .createProgramme(await programmeParams(token, { vendors: [ethers.ZeroAddress] })),
      )
        .to.be.revertedWithCustomError(ledger, "VendorListUnchanged")
        .withArgs(next, ethers.ZeroAddress);
      await expect(
        ledger
          .connect(charity)
          .createProgramme(await programmeParams(token, { vendors: [vendor.address, vendor.address] })),
      )
        .to.be.revertedWithCustomError(ledger, "VendorListUnchanged")
        .withArgs(next, vendor.address);
    });

    it("reverts with CharityUnlicensed for a charity licensed only for another category", async function () {
      const { ledger, licences, regulator, token, stranger } = await loadFixture(fixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(stranger.address, LicenceKind.Charity, 0b001, 1n << 2n, now, now + PERIOD, "bafy");
      await expect(ledger.connect(stranger).createProgramme(await programmeParams(token, { category: FOOD })))
        .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
        .withArgs(stranger.address, Layer.Relief, FOOD);
      await expect(
        ledger
          .connect(stranger)
          .createProgramme(await programmeParams(token, { layer: Layer.Support, category: 2 })),
      )
        .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
        .withArgs(stranger.address, Layer.Support, 2);
      await expect(ledger.connect(stranger).createProgramme(await programmeParams(token, { category: 2 }))).to
        .not.be.reverted;
    });
  });

  describe("programme views", function () {
    it("reverts with ProgrammeUnknown for an id that was never created", async function () {
      const { ledger, charity, regulator } = await loadFixture(fixture);
      const unknown = 99;
      for (const call of [
        () => ledger.programme(unknown),
        () => ledger.fundsOf(unknown),
        () => ledger.currentPeriod(unknown),
        () => ledger.uri(BigInt(unknown) << 32n),
        () => ledger.coverageOf(unknown, ethers.ZeroHash, 0),
        () => ledger.coveragesInScope(unknown, ethers.ZeroHash, 0),
        () => ledger.releaseExpired(unknown),
        () => ledger.connect(charity).setProgrammePaused(unknown, true),
        () => ledger.connect(regulator).closeProgramme(unknown),
        () => ledger.connect(charity).setVendorsAllowed(unknown, [], true),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(ledger, "ProgrammeUnknown").withArgs(unknown);
      }
    });

    it("shows the funds of a programme with one gift as all available", async function () {
      const { ledger, programmeId, giftAmount } = await loadFixture(fixture);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        0n,
        0n,
        0n,
        giftAmount,
        0n,
        0n,
        0n,
      ]);
    });
  });

  describe("setProgrammePaused", function () {
    it("lets the charity pause and the regulator unpause, emitting ProgrammePauseChanged", async function () {
      const { ledger, charity, regulator, programmeId } = await loadFixture(fixture);
      await expect(ledger.connect(charity).setProgrammePaused(programmeId, true))
        .to.emit(ledger, "ProgrammePauseChanged")
        .withArgs(programmeId, true, charity.address);
      expect((await ledger.programme(programmeId)).paused).to.equal(true);
      await expect(ledger.connect(regulator).setProgrammePaused(programmeId, false))
        .to.emit(ledger, "ProgrammePauseChanged")
        .withArgs(programmeId, false, regulator.address);
      expect((await ledger.programme(programmeId)).paused).to.equal(false);
    });

    it("reverts with ProgrammePauseUnchanged when the flag already has the value", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      await expect(ledger.connect(charity).setProgrammePaused(programmeId, false))
        .to.be.revertedWithCustomError(ledger, "ProgrammePauseUnchanged")
        .withArgs(programmeId, false);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(ledger.connect(charity).setProgrammePaused(programmeId, true))
        .to.be.revertedWithCustomError(ledger, "ProgrammePauseUnchanged")
        .withArgs(programmeId, true);
    });

    it("stops issuance with ProgrammeIsPaused and resumes it after unpausing", async function () {
      const { ledger, charity, programmeId, households } = await loadFixture(fixture);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), UNIT * 10n))
        .to.be.revertedWithCustomError(ledger, "ProgrammeIsPaused")
        .withArgs(programmeId);
      await ledger.connect(charity).setProgrammePaused(programmeId, false);
      await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), UNIT * 10n)).to.not.be
        .reverted;
    });

    it("still accepts gifts while paused", async function () {
      const { ledger, charity, donor, programmeId, giftAmount } = await loadFixture(fixture);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(
        ledger.connect(donor).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0),
      )
        .to.emit(ledger, "GiftReceived")
        .withArgs(
          2,
          programmeId,
          donor.address,
          ethers.ZeroHash,
          10n * UNIT,
          ethers.ZeroHash,
          donor.address,
          0,
        );
      expect((await ledger.fundsOf(programmeId)).given).to.equal(giftAmount + 10n * UNIT);
    });
  });

  describe("setVendorsAllowed", function () {
    it("allows and disallows vendors, emitting VendorAllowanceChanged for each", async function () {
      const { ledger, charity, vendor, vendor2, programmeId } = await loadFixture(fixture);
      await expect(ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true))
        .to.emit(ledger, "VendorAllowanceChanged")
        .withArgs(programmeId, vendor2.address, true);
      expect(await ledger.isVendorAllowed(programmeId, vendor2.address)).to.equal(true);

      const tx = ledger
        .connect(charity)
        .setVendorsAllowed(programmeId, [vendor.address, vendor2.address], false);
      await expect(tx).to.emit(ledger, "VendorAllowanceChanged").withArgs(programmeId, vendor.address, false);
      await expect(tx)
        .to.emit(ledger, "VendorAllowanceChanged")
        .withArgs(programmeId, vendor2.address, false);
      expect(await ledger.isVendorAllowed(programmeId, vendor.address)).to.equal(false);
      expect(await ledger.isVendorAllowed(programmeId, vendor2.address)).to.equal(false);
    });

    it("reverts with VendorListUnchanged for a vendor already in the requested state or zero", async function () {
      const { ledger, charity, vendor, vendor2, programmeId } = await loadFixture(fixture);
      await expect(ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], true))
        .to.be.revertedWithCustomError(ledger, "VendorListUnchanged")
        .withArgs(programmeId, vendor.address);
      await expect(ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], false))
        .to.be.revertedWithCustomError(ledger, "VendorListUnchanged")
        .withArgs(programmeId, vendor2.address);
      await expect(ledger.connect(charity).setVendorsAllowed(programmeId, [ethers.ZeroAddress], true))
        .to.be.revertedWithCustomError(ledger, "VendorListUnchanged")
        .withArgs(programmeId, ethers.ZeroAddress);
    });

    it("reverts with ProgrammeVendorsTooMany for more than MAX_VENDORS_AT_CREATION in one call", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      const vendors = Array.from({ length: 51 }, (_, i) => ethers.getAddress(ethers.toBeHex(0x2000 + i, 20)));
      await expect(ledger.connect(charity).setVendorsAllowed(programmeId, vendors, true))
        .to.be.revertedWithCustomError(ledger, "ProgrammeVendorsTooMany")
        .withArgs(51, 50);
    });
  });

  describe("closeProgramme", function () {
    for (const closer of ["charity", "regulator"] as const) {
      it(`lets the ${closer} end the programme now and emits ProgrammeClosed`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, programmeId } = world;
        const by = world[closer];
        const tx = await ledger.connect(by).closeProgramme(programmeId);
        const closedAt = (await tx.getBlock())!.timestamp;
        await expect(tx).to.emit(ledger, "ProgrammeClosed").withArgs(programmeId, closedAt, by.address);
        expect((await ledger.programme(programmeId)).endsAt).to.equal(closedAt);
        await expect(issueTo(ledger, world.charity, programmeId, world.households.slice(0, 1), UNIT))
          .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
          .withArgs(programmeId, closedAt);
      });
    }

    it("reverts with ProgrammeHasEnded when closed twice", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      const tx = await ledger.connect(charity).closeProgramme(programmeId);
      const closedAt = (await tx.getBlock())!.timestamp;
      await expect(ledger.connect(charity).closeProgramme(programmeId))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, closedAt);
    });

    it("reverts with ProgrammeHasEnded after the planned end", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      const { endsAt } = await ledger.programme(programmeId);
      await time.increaseTo(endsAt);
      await expect(ledger.connect(charity).closeProgramme(programmeId))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, endsAt);
    });

    it("refuses gifts once closed with ProgrammeHasEnded", async function () {
      const { ledger, charity, donor, programmeId } = await loadFixture(fixture);
      const tx = await ledger.connect(charity).closeProgramme(programmeId);
      const closedAt = (await tx.getBlock())!.timestamp;
      await expect(
        ledger.connect(donor).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0),
      )
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, closedAt);
    });
  });

  describe("a programme that has not started", function () {
    it("reverts issuance with ProgrammeNotStarted but accepts gifts", async function () {
      const { ledger, charity2, donor, laterProgrammeId, futureStart, households } =
        await loadFixture(fixture);
      await ledger.connect(donor).give(laterProgrammeId, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      await expect(issueTo(ledger, charity2, laterProgrammeId, households.slice(0, 1), 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "ProgrammeNotStarted")
        .withArgs(laterProgrammeId, futureStart);
      await expect(ledger.connect(charity2).publishRound(laterProgrammeId, ethers.id("root"), UNIT, 1, ""))
        .to.be.revertedWithCustomError(ledger, "ProgrammeNotStarted")
        .withArgs(laterProgrammeId, futureStart);
      await time.increaseTo(futureStart);
      await expect(issueTo(ledger, charity2, laterProgrammeId, households.slice(0, 1), 10n * UNIT)).to.emit(
        ledger,
        "TransferSingle",
      );
    });
  });
});
