import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  firstMemberReceipt,
  createProgramme,
  entitlementOf,
  expectEscrowBalanced,
  giftSpentLogs,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
  passDisputeWindows,
} from "../helpers/ledger";
import { Outflow, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: expiry of entitlements and settlement of unspent gifts", function () {
  const DONOR_REF = ethers.id("cash-donor-7");

  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, vendor, donor, donor2, stranger, programmeId } = world;
    const now = await time.latest();
    const longRunning = { startsAt: now, endsAt: now + 12 * PERIOD };
    // Reallocation targets: one running, one ending soon, one paused, one whose minimum gift is too high.
    const runningTarget = await createProgramme(ledger, charity2, await programmeParams(token, longRunning));
    const endingTarget = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { startsAt: now, endsAt: now + PERIOD }),
    );
    const pausedTarget = await createProgramme(ledger, charity2, await programmeParams(token, longRunning));
    await ledger.connect(charity2).setProgrammePaused(pausedTarget, true);
    const demandingTarget = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { ...longRunning, capPerPeriod: 500n * UNIT, minGift: 500n * UNIT }),
    );
    // Gift 1 (donor, 1000, refund to donor) comes from ledgerWorld; the rest:
    const give = (from: typeof donor, amount: bigint, refundTo: string, reallocateTo: bigint) =>
      ledger.connect(from).give(programmeId, amount, ethers.ZeroHash, refundTo, reallocateTo);
    await give(donor2, 200n * UNIT, stranger.address, runningTarget); // gift 2
    await give(donor, 100n * UNIT, ethers.ZeroAddress, endingTarget); // gift 3
    await give(donor, 100n * UNIT, ethers.ZeroAddress, pausedTarget); // gift 4
    await give(donor2, 100n * UNIT, ethers.ZeroAddress, demandingTarget); // gift 5
    await ledger.connect(charity).recordGift(programmeId, DONOR_REF, 50n * UNIT, ethers.ZeroHash, 0); // gift 6
    await ledger
      .connect(charity)
      .recordGift(programmeId, DONOR_REF, 60n * UNIT, ethers.ZeroHash, runningTarget); // 7
    const gifts = { toDonor: 1n, reallocated: 2n, toEnded: 3n, toPaused: 4n, toDemanding: 5n, recorded: 6n };
    const recordedReallocated = 7n;
    const given = world.giftAmount + 610n * UNIT;
    // Allow the vendor where reallocated gifts land, to show they are spendable there.
    await ledger.connect(charity2).setVendorsAllowed(runningTarget, [vendor.address], true);
    return {
      ...world,
      runningTarget,
      endingTarget,
      pausedTarget,
      demandingTarget,
      gifts,
      recordedReallocated,
      given,
    };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  async function redeemFromFirstHousehold(world: Fixture, amount: bigint) {
    const receipt = await firstMemberReceipt(world, amount);
    return redeemSigned(world.ledger, world.vendor, world.households[0].members[0].wallet, receipt);
  }

  describe("at the period turn", function () {
    it("expires unredeemed entitlements and returns their value to the budget", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, programmeId, households, period, given } = world;
      const [h1, h2] = households;
      await issueTo(ledger, charity, programmeId, [h1, h2], 100n * UNIT);
      await redeemFromFirstHousehold(world, 30n * UNIT);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        given,
        30n * UNIT,
        0n,
        170n * UNIT,
        given - 200n * UNIT,
        0n,
        30n * UNIT,
        0n,
      ]);

      await time.increase(PERIOD);
      // The new period is a new id with nothing issued; the old id keeps its balance but is no longer redeemable.
      for (const h of [h1, h2]) expect(await entitlementOf(ledger, h.householdRef, programmeId)).to.equal(0);
      // The views already read the expiry before anyone writes it.
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        given,
        30n * UNIT,
        0n,
        0n,
        given - 30n * UNIT,
        0n,
        30n * UNIT,
        0n,
      ]);
      await expect(redeemFromFirstHousehold(world, 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "EntitlementInsufficient")
        .withArgs(0, 10n * UNIT);

      await expect(ledger.releaseExpired(programmeId))
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, period, 170n * UNIT);
      await expect(ledger.releaseExpired(programmeId)).to.not.emit(ledger, "EntitlementsExpired");
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        given,
        30n * UNIT,
        0n,
        0n,
        given - 30n * UNIT,
        0n,
        30n * UNIT,
        0n,
      ]);
      // The past period's records stay for audit.
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        100n * UNIT,
        30n * UNIT,
      ]);
    });

    it("does not expire entitlements of the running period", async function () {
      const { ledger, charity, programmeId, households } = await loadFixture(fixture);
      await issueTo(ledger, charity, programmeId, households.slice(0, 1), 100n * UNIT);
      await expect(ledger.releaseExpired(programmeId)).to.not.emit(ledger, "EntitlementsExpired");
      expect((await ledger.fundsOf(programmeId)).outstanding).to.equal(100n * UNIT);
      expect(await entitlementOf(ledger, households[0].householdRef, programmeId)).to.equal(100n * UNIT);
    });

    it("lets anyone release expired entitlements", async function () {
      const { ledger, charity, stranger, programmeId, households, period } = await loadFixture(fixture);
      await issueTo(ledger, charity, programmeId, households.slice(0, 1), 100n * UNIT);
      await time.increase(PERIOD);
      await expect(ledger.connect(stranger).releaseExpired(programmeId))
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, period, 100n * UNIT);
    });

    it("releases the previous period inside the next issuance", async function () {
      const { ledger, charity, programmeId, households, period, given } = await loadFixture(fixture);
      await issueTo(ledger, charity, programmeId, households.slice(0, 2), 100n * UNIT);
      await time.increase(PERIOD);
      await expect(issueTo(ledger, charity, programmeId, households.slice(0, 1), 40n * UNIT))
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, period, 200n * UNIT);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        given,
        0n,
        0n,
        40n * UNIT,
        given - 40n * UNIT,
        0n,
        0n,
        0n,
      ]);
    });
  });

  describe("at the programme's end", function () {
    it("expires outstanding entitlements when the programme is closed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, programmeId, households, period } = world;
      await issueTo(ledger, charity, programmeId, households.slice(0, 2), 100n * UNIT);
      const tx = ledger.connect(charity).closeProgramme(programmeId);
      await expect(tx)
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, period, 200n * UNIT);
      await expect(tx).to.emit(ledger, "ProgrammeClosed");
      // No balance moves (no event): the id is simply no longer redeemable once the programme has ended.
      expect(await entitlementOf(ledger, households[0].householdRef, programmeId, period)).to.equal(
        100n * UNIT,
      );
      expect((await ledger.fundsOf(programmeId)).outstanding).to.equal(0);
      const { endsAt } = await ledger.programme(programmeId);
      await expect(redeemFromFirstHousehold(world, 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, endsAt);
    });

    it("reverts with ProgrammeStillRunning when settling before the end", async function () {
      const { ledger, stranger, programmeId, gifts } = await loadFixture(fixture);
      const { endsAt } = await ledger.programme(programmeId);
      await expect(ledger.connect(stranger).settleUnspent(gifts.toDonor))
        .to.be.revertedWithCustomError(ledger, "ProgrammeStillRunning")
        .withArgs(programmeId, endsAt);
    });

    it("refunds a gift's unspent rest to refundTo after the planned end, once", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, charity, donor, stranger, programmeId, households, gifts, giftAmount } = world;
      await issueTo(ledger, charity, programmeId, households.slice(0, 1), 100n * UNIT);
      await redeemFromFirstHousehold(world, 30n * UNIT);
      const { endsAt } = await ledger.programme(programmeId);
      await time.increaseTo(endsAt);

      const rest = giftAmount - 30n * UNIT;
      const donorBefore = await token.balanceOf(donor.address);
      expect(await ledger.connect(stranger).settleUnspent.staticCall(gifts.toDonor)).to.equal(rest);
      // Anyone may trigger it; the money goes to the gift's refund address.
      const tx = await ledger.connect(stranger).settleUnspent(gifts.toDonor);
      expect(await giftSpentLogs(ledger, tx)).to.deep.equal([
        {
          giftId: gifts.toDonor,
          programmeId,
          amount: rest,
          kind: BigInt(Outflow.Refund),
          ref: ethers.zeroPadValue(donor.address, 32),
        },
      ]);
      await expect(tx)
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, world.period, 70n * UNIT);
      expect(await token.balanceOf(donor.address)).to.equal(donorBefore + rest);
      const gift = await ledger.gift(gifts.toDonor);
      expect([gift.amount, gift.paid, gift.refunded]).to.deep.equal([giftAmount, 30n * UNIT, rest]);
      expect((await ledger.fundsOf(programmeId)).refunded).to.equal(rest);

      await expect(ledger.connect(stranger).settleUnspent(gifts.toDonor))
        .to.be.revertedWithCustomError(ledger, "GiftFullySettled")
        .withArgs(gifts.toDonor);
      await expectEscrowBalanced(ledger);
    });

    it("settles right after an early close", async function () {
      const { ledger, token, charity, donor, programmeId, gifts, giftAmount } = await loadFixture(fixture);
      await ledger.connect(charity).closeProgramme(programmeId);
      const donorBefore = await token.balanceOf(donor.address);
      await expect(ledger.settleUnspent(gifts.toDonor))
        .to.emit(ledger, "GiftSpent")
        .withArgs(
          gifts.toDonor,
          programmeId,
          giftAmount,
          Outflow.Refund,
          ethers.zeroPadValue(donor.address, 32),
        );
      expect(await token.balanceOf(donor.address)).to.equal(donorBefore + giftAmount);
    });

    it("reallocates to the donor's chosen programme as a new gift of the same donor", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, regulator, donor2, stranger, programmeId, runningTarget, gifts } = world;
      await ledger.connect(regulator).closeProgramme(programmeId);
      const ledgerBalance = await token.balanceOf(await ledger.getAddress());
      const newGiftId = (await ledger.giftCount()) + 1n;

      const tx = ledger.settleUnspent(gifts.reallocated);
      await expect(tx)
        .to.emit(ledger, "GiftSpent")
        .withArgs(
          gifts.reallocated,
          programmeId,
          200n * UNIT,
          Outflow.Reallocation,
          ethers.toBeHex(newGiftId, 32),
        );
      await expect(tx)
        .to.emit(ledger, "GiftReceived")
        .withArgs(
          newGiftId,
          runningTarget,
          donor2.address,
          ethers.ZeroHash,
          200n * UNIT,
          ethers.toBeHex(gifts.reallocated, 32),
          stranger.address,
          0,
        );
      const moved = await ledger.gift(newGiftId);
      expect(moved.donor).to.equal(donor2.address);
      expect(moved.programmeId).to.equal(runningTarget);
      expect(moved.amount).to.equal(200n * UNIT);
      expect(moved.refundTo).to.equal(stranger.address);
      expect(moved.reallocateTo).to.equal(0);
      expect((await ledger.gift(gifts.reallocated)).refunded).to.equal(200n * UNIT);
      expect(await ledger.fundsOf(runningTarget)).to.deep.equal([
        200n * UNIT,
        0n,
        0n,
        0n,
        200n * UNIT,
        0n,
        0n,
        0n,
      ]);
      expect(await ledger.lotsOf(runningTarget, 0, 10)).to.deep.equal([newGiftId]);
      // The tokens stay in escrow: they only changed programme.
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(ledgerBalance);
      await expectEscrowBalanced(ledger);
    });

    it("spends a reallocated gift in its new programme and refunds its rest to the original refundTo", async function () {
      const world = await loadFixture(fixture);
      const {
        ledger,
        token,
        regulator,
        charity2,
        vendor,
        stranger,
        programmeId,
        runningTarget,
        gifts,
        households,
      } = world;
      await ledger.connect(regulator).closeProgramme(programmeId);
      await ledger.settleUnspent(gifts.reallocated);
      const newGiftId = await ledger.giftCount();
      const [h1] = households;
      await issueTo(ledger, charity2, runningTarget, [h1], 50n * UNIT);
      const receipt = await receiptFor(
        ledger,
        runningTarget,
        h1.householdRef,
        h1.members[0],
        vendor,
        50n * UNIT,
      );
      const redeemTx = await redeemSigned(ledger, vendor, h1.members[0].wallet, receipt);
      expect((await giftSpentLogs(ledger, redeemTx)).map((s) => [s.giftId, s.amount])).to.deep.equal([
        [newGiftId, 50n * UNIT],
      ]);
      await ledger.connect(charity2).closeProgramme(runningTarget);
      const before = await token.balanceOf(stranger.address);
      await expect(ledger.settleUnspent(newGiftId))
        .to.emit(ledger, "GiftSpent")
        .withArgs(
          newGiftId,
          runningTarget,
          150n * UNIT,
          Outflow.Refund,
          ethers.zeroPadValue(stranger.address, 32),
        );
      expect(await token.balanceOf(stranger.address)).to.equal(before + 150n * UNIT);
      await expectEscrowBalanced(ledger);
    });

    for (const [label, key, why] of [
      ["has ended", "toEnded", "target ended"],
      ["is paused", "toPaused", "target paused"],
      ["needs a larger minimum gift", "toDemanding", "target minimum"],
    ] as const) {
      it(`falls back to a refund when the chosen programme ${label}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, token, regulator, programmeId, gifts } = world;
        const giftId = gifts[key];
        const { refundTo, amount } = await ledger.gift(giftId);
        await time.increaseTo((await ledger.programme(world.endingTarget)).endsAt);
        await ledger.connect(regulator).closeProgramme(programmeId);
        const before = await token.balanceOf(refundTo);
        const giftCount = await ledger.giftCount();
        const tx = ledger.settleUnspent(giftId);
        await expect(tx, why)
          .to.emit(ledger, "GiftSpent")
          .withArgs(giftId, programmeId, amount, Outflow.Refund, ethers.zeroPadValue(refundTo, 32));
        await expect(tx).to.not.emit(ledger, "GiftReceived");
        expect(await ledger.giftCount()).to.equal(giftCount);
        expect(await token.balanceOf(refundTo)).to.equal(before + amount);
      });
    }

    it("returns a recorded cash gift to the charity that recorded it", async function () {
      const { ledger, token, charity, regulator, programmeId, gifts } = await loadFixture(fixture);
      await ledger.connect(regulator).closeProgramme(programmeId);
      const before = await token.balanceOf(charity.address);
      await expect(ledger.settleUnspent(gifts.recorded))
        .to.emit(ledger, "GiftSpent")
        .withArgs(
          gifts.recorded,
          programmeId,
          50n * UNIT,
          Outflow.Refund,
          ethers.zeroPadValue(charity.address, 32),
        );
      expect(await token.balanceOf(charity.address)).to.equal(before + 50n * UNIT);
    });

    it("keeps the donor reference when a recorded gift is reallocated", async function () {
      const { ledger, charity, regulator, programmeId, runningTarget, recordedReallocated } =
        await loadFixture(fixture);
      await ledger.connect(regulator).closeProgramme(programmeId);
      const newGiftId = (await ledger.giftCount()) + 1n;
      await expect(ledger.settleUnspent(recordedReallocated))
        .to.emit(ledger, "GiftReceived")
        .withArgs(
          newGiftId,
          runningTarget,
          charity.address,
          DONOR_REF,
          60n * UNIT,
          ethers.toBeHex(recordedReallocated, 32),
          charity.address,
          0,
        );
      expect((await ledger.gift(newGiftId)).donorRef).to.equal(DONOR_REF);
    });

    it("leaves nothing in the programme once every gift is settled", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, charity, vendor, programmeId, households, given, runningTarget } = world;
      await issueTo(ledger, charity, programmeId, households.slice(0, 1), 100n * UNIT);
      await redeemFromFirstHousehold(world, 30n * UNIT);
      await time.increaseTo((await ledger.programme(programmeId)).endsAt);
      for (const giftId of await ledger.lotsOf(programmeId, 0, 100)) {
        await ledger.settleUnspent(giftId);
      }
      // The vendor collects its credit after the end: earned money is never stranded.
      await passDisputeWindows();
      await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        given,
        30n * UNIT,
        given - 30n * UNIT,
        0n,
        0n,
        30n * UNIT,
        0n,
        0n,
      ]);
      // All that remains in escrow is what moved to the running target (gifts 2 and 7).
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(260n * UNIT);
      expect((await ledger.fundsOf(runningTarget)).given).to.equal(260n * UNIT);
      await expectEscrowBalanced(ledger);
    });

    it("reverts with GiftFullySettled for a gift that vendors spent entirely", async function () {
      const { ledger, token, charity, vendor, donor, households } = await loadFixture(fixture);
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { vendors: [vendor.address] }),
      );
      const giftId = (await ledger.giftCount()) + 1n;
      await ledger.connect(donor).give(id, 50n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      const [h1] = households;
      await issueTo(ledger, charity, id, [h1], 50n * UNIT);
      await redeemSigned(
        ledger,
        vendor,
        h1.members[0].wallet,
        await receiptFor(ledger, id, h1.householdRef, h1.members[0], vendor, 50n * UNIT),
      );
      await ledger.connect(charity).closeProgramme(id);
      await expect(ledger.settleUnspent(giftId))
        .to.be.revertedWithCustomError(ledger, "GiftFullySettled")
        .withArgs(giftId);
    });

    it("reverts with GiftUnknown for a gift that does not exist", async function () {
      const { ledger } = await loadFixture(fixture);
      await expect(ledger.settleUnspent(99))
        .to.be.revertedWithCustomError(ledger, "GiftUnknown")
        .withArgs(99);
    });
  });
});
