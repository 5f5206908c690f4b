import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { TestSettlementToken__factory, type AidLedger } from "../../../typechain-types";
import {
  createProgramme,
  expectEscrowBalanced,
  giftSpentLogs,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
  passDisputeWindows,
} from "../helpers/ledger";
import { FOOD, Layer, LicenceKind, Outflow, UNIT } from "../helpers/system";

describe("AidLedger: gifts and their lineage", function () {
  const EARMARK = ethers.id("earmark: winter 2026");
  const DONOR_REF = ethers.id("cash-donor-0042");

  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, vendor, donor, donor2, deployer } = world;
    // A programme for lineage: three small lots from two donors, 30 + 50 + 40.
    const lineageId = await createProgramme(
      ledger,
      charity,
      await programmeParams(token, { vendors: [vendor] }),
    );
    const give = (from: typeof donor, amount: bigint) =>
      ledger.connect(from).give(lineageId, amount, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await give(donor, 30n * UNIT); // gift 2
    await give(donor2, 50n * UNIT); // gift 3
    await give(donor, 40n * UNIT); // gift 4
    const [giftA, giftB, giftC] = [2n, 3n, 4n];
    // A reallocation target in the same token, and a programme settled in another token.
    const targetId = await createProgramme(ledger, charity2, await programmeParams(token));
    const otherToken = await new TestSettlementToken__factory(deployer).deploy();
    const otherTokenProgrammeId = await createProgramme(ledger, charity2, await programmeParams(otherToken));
    return { ...world, lineageId, giftA, giftB, giftC, targetId, otherToken, otherTokenProgrammeId };
  }

  describe("give", function () {
    it("books a lot, moves the tokens and emits GiftReceived", async function () {
      const { ledger, token, donor, donor2, programmeId, targetId, giftAmount } = await loadFixture(fixture);
      const ledgerAddress = await ledger.getAddress();
      const [donorBefore, ledgerBefore] = [
        await token.balanceOf(donor.address),
        await token.balanceOf(ledgerAddress),
      ];
      const giftId = (await ledger.giftCount()) + 1n;
      await expect(ledger.connect(donor).give(programmeId, 250n * UNIT, EARMARK, donor2.address, targetId))
        .to.emit(ledger, "GiftReceived")
        .withArgs(
          giftId,
          programmeId,
          donor.address,
          ethers.ZeroHash,
          250n * UNIT,
          EARMARK,
          donor2.address,
          targetId,
        );

      expect(await ledger.giftCount()).to.equal(giftId);
      const gift = await ledger.gift(giftId);
      expect(gift.donor).to.equal(donor.address);
      expect(gift.amount).to.equal(250n * UNIT);
      expect(gift.paid).to.equal(0);
      expect(gift.refunded).to.equal(0);
      expect(gift.programmeId).to.equal(programmeId);
      expect(gift.refundTo).to.equal(donor2.address);
      expect(gift.reallocateTo).to.equal(targetId);
      expect(gift.donorRef).to.equal(ethers.ZeroHash);
      expect(await ledger.lotsOf(programmeId, 0, 10)).to.deep.equal([1n, giftId]);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount + 250n * UNIT,
        0n,
        0n,
        0n,
        giftAmount + 250n * UNIT,
        0n,
        0n,
        0n,
      ]);
      expect(await token.balanceOf(donor.address)).to.equal(donorBefore - 250n * UNIT);
      expect(await token.balanceOf(ledgerAddress)).to.equal(ledgerBefore + 250n * UNIT);
      await expectEscrowBalanced(ledger);
    });

    it("refunds to the giver when refundTo is zero", async function () {
      const { ledger, donor2, programmeId } = await loadFixture(fixture);
      const giftId = (await ledger.giftCount()) + 1n;
      await ledger.connect(donor2).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      expect((await ledger.gift(giftId)).refundTo).to.equal(donor2.address);
    });

    it("reverts with GiftRefundRecipientInvalid when refundTo is the ledger itself, booking nothing", async function () {
      const { ledger, token, donor, programmeId } = await loadFixture(fixture);
      const ledgerAddress = await ledger.getAddress();
      const [giftCount, held] = [await ledger.giftCount(), await token.balanceOf(ledgerAddress)];
      await expect(ledger.connect(donor).give(programmeId, 10n * UNIT, ethers.ZeroHash, ledgerAddress, 0))
        .to.be.revertedWithCustomError(ledger, "GiftRefundRecipientInvalid")
        .withArgs(ledgerAddress);
      expect(await ledger.giftCount()).to.equal(giftCount);
      expect(await token.balanceOf(ledgerAddress)).to.equal(held);
    });

    it("accepts exactly the minimum gift and reverts with GiftTooSmall just below it", async function () {
      const { ledger, donor, programmeId } = await loadFixture(fixture);
      await expect(
        ledger.connect(donor).give(programmeId, 10n * UNIT - 1n, ethers.ZeroHash, ethers.ZeroAddress, 0),
      )
        .to.be.revertedWithCustomError(ledger, "GiftTooSmall")
        .withArgs(10n * UNIT - 1n, 10n * UNIT);
      await expect(
        ledger.connect(donor).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0),
      ).to.emit(ledger, "GiftReceived");
    });

    it("reverts with GiftTooLarge for an amount that does not fit a lot", async function () {
      const { ledger, token, donor, programmeId } = await loadFixture(fixture);
      const tooLarge = 1n << 96n;
      await token.mint(donor.address, tooLarge);
      await expect(ledger.connect(donor).give(programmeId, tooLarge, ethers.ZeroHash, ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(ledger, "GiftTooLarge")
        .withArgs(tooLarge);
      await expect(
        ledger.connect(donor).give(programmeId, tooLarge - 1n, ethers.ZeroHash, ethers.ZeroAddress, 0),
      ).to.emit(ledger, "GiftReceived");
    });

    it("reverts with ProgrammeUnknown for a programme that does not exist", async function () {
      const { ledger, donor } = await loadFixture(fixture);
      await expect(ledger.connect(donor).give(99, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(ledger, "ProgrammeUnknown")
        .withArgs(99);
    });

    it("reverts with ReallocationTargetInvalid for an unknown, the same, or another token's programme", async function () {
      const { ledger, donor, programmeId, otherTokenProgrammeId } = await loadFixture(fixture);
      for (const target of [99n, programmeId, otherTokenProgrammeId]) {
        await expect(
          ledger.connect(donor).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, target),
        )
          .to.be.revertedWithCustomError(ledger, "ReallocationTargetInvalid")
          .withArgs(target);
      }
    });

    it("reverts with the token's ERC20InsufficientAllowance when the giver has not approved", async function () {
      const { ledger, token, stranger, programmeId } = await loadFixture(fixture);
      await token.mint(stranger.address, 10n * UNIT);
      await expect(
        ledger.connect(stranger).give(programmeId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await ledger.getAddress(), 0, 10n * UNIT);
    });

    it("settles a programme in its own token", async function () {
      const { ledger, otherToken, donor, otherTokenProgrammeId } = await loadFixture(fixture);
      await otherToken.mint(donor.address, 20n * UNIT);
      await otherToken.connect(donor).approve(await ledger.getAddress(), 20n * UNIT);
      await ledger
        .connect(donor)
        .give(otherTokenProgrammeId, 20n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      expect(await otherToken.balanceOf(await ledger.getAddress())).to.equal(20n * UNIT);
      expect((await ledger.fundsOf(otherTokenProgrammeId)).given).to.equal(20n * UNIT);
      await expectEscrowBalanced(ledger);
    });
  });

  describe("recordGift", function () {
    it("books a cash gift under the donor's reference, refundable to the charity", async function () {
      const { ledger, token, charity, programmeId, targetId } = await loadFixture(fixture);
      const charityBefore = await token.balanceOf(charity.address);
      const giftId = (await ledger.giftCount()) + 1n;
      await expect(ledger.connect(charity).recordGift(programmeId, DONOR_REF, 75n * UNIT, EARMARK, targetId))
        .to.emit(ledger, "GiftReceived")
        .withArgs(
          giftId,
          programmeId,
          charity.address,
          DONOR_REF,
          75n * UNIT,
          EARMARK,
          charity.address,
          targetId,
        );
      const gift = await ledger.gift(giftId);
      expect(gift.donor).to.equal(charity.address);
      expect(gift.donorRef).to.equal(DONOR_REF);
      expect(gift.refundTo).to.equal(charity.address);
      expect(gift.reallocateTo).to.equal(targetId);
      expect(gift.amount).to.equal(75n * UNIT);
      expect(await token.balanceOf(charity.address)).to.equal(charityBefore - 75n * UNIT);
      await expectEscrowBalanced(ledger);
    });

    it("refunds a recorded gift to the charity that recorded it, never to the ledger", async function () {
      const { ledger, token, charity, regulator, programmeId } = await loadFixture(fixture);
      const giftId = (await ledger.giftCount()) + 1n;
      await ledger.connect(charity).recordGift(programmeId, DONOR_REF, 75n * UNIT, EARMARK, 0);
      // recordGift passes the charity as the refund address through the same check as give: the caller
      // is a licensed charity, never the ledger, so the refund always leaves the ledger.
      expect((await ledger.gift(giftId)).refundTo).to.equal(charity.address);
      await ledger.connect(regulator).closeProgramme(programmeId);
      await expect(ledger.settleUnspent(giftId)).to.changeTokenBalances(
        token,
        [await ledger.getAddress(), charity.address],
        [-75n * UNIT, 75n * UNIT],
      );
      await expectEscrowBalanced(ledger);
    });

    it("reverts with DonorRefZero without a donor reference", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      await expect(
        ledger.connect(charity).recordGift(programmeId, ethers.ZeroHash, 75n * UNIT, EARMARK, 0),
      ).to.be.revertedWithCustomError(ledger, "DonorRefZero");
    });

    for (const caller of ["stranger", "charity2", "donor"] as const) {
      it(`reverts with ProgrammeCharityOnly when ${caller} records a gift`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, programmeId } = world;
        await expect(ledger.connect(world[caller]).recordGift(programmeId, DONOR_REF, 75n * UNIT, EARMARK, 0))
          .to.be.revertedWithCustomError(ledger, "ProgrammeCharityOnly")
          .withArgs(programmeId, world[caller].address);
      });
    }

    it("reverts with CharityUnlicensed when the charity's licence is suspended", async function () {
      const { ledger, licences, regulator, charity, programmeId } = await loadFixture(fixture);
      await licences
        .connect(regulator)
        .suspendLicence(charity.address, LicenceKind.Charity, ethers.id("finding"));
      await expect(ledger.connect(charity).recordGift(programmeId, DONOR_REF, 75n * UNIT, EARMARK, 0))
        .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
        .withArgs(charity.address, Layer.Relief, FOOD);
    });
  });

  describe("views", function () {
    it("reverts with GiftUnknown for a gift that does not exist", async function () {
      const { ledger } = await loadFixture(fixture);
      await expect(ledger.gift(99)).to.be.revertedWithCustomError(ledger, "GiftUnknown").withArgs(99);
      await expect(ledger.gift(0)).to.be.revertedWithCustomError(ledger, "GiftUnknown").withArgs(0);
    });

    it("pages a programme's lots in arrival order", async function () {
      const { ledger, lineageId, giftA, giftB, giftC } = await loadFixture(fixture);
      expect(await ledger.giftCount()).to.equal(giftC);
      expect(await ledger.lotsOf(lineageId, 0, 10)).to.deep.equal([giftA, giftB, giftC]);
      expect(await ledger.lotsOf(lineageId, 1, 1)).to.deep.equal([giftB]);
      expect(await ledger.lotsOf(lineageId, 2, 5)).to.deep.equal([giftC]);
      expect(await ledger.lotsOf(lineageId, 3, 5)).to.deep.equal([]);
      expect(await ledger.lotsOf(lineageId, 0, 0)).to.deep.equal([]);
      expect(await ledger.lotsOf(99, 0, 5)).to.deep.equal([]);
    });

    it("pages to the end from any start with a limit of type(uint256).max", async function () {
      const { ledger, lineageId, giftA, giftB, giftC } = await loadFixture(fixture);
      expect(await ledger.lotsOf(lineageId, 0, ethers.MaxUint256)).to.deep.equal([giftA, giftB, giftC]);
      expect(await ledger.lotsOf(lineageId, 1, ethers.MaxUint256)).to.deep.equal([giftB, giftC]);
      expect(await ledger.lotsOf(lineageId, 3, ethers.MaxUint256)).to.deep.equal([]);
      expect(await ledger.lotsOf(lineageId, ethers.MaxUint256, ethers.MaxUint256)).to.deep.equal([]);
    });
  });

  describe("FIFO attribution of settlements", function () {
    /** The lots an upheld dispute un-spent, in log order: gift id, amount, redemption id. */
    async function reversedLots(ledger: AidLedger, tx: ContractTransactionResponse) {
      return (await tx.wait())!.logs
        .map((log) => ledger.interface.parseLog(log))
        .filter((parsed) => parsed?.name === "GiftSettlementReversed")
        .map((parsed) => [parsed!.args.giftId, parsed!.args.amount, parsed!.args.ref]);
    }

    function paidOf(ledger: AidLedger, giftIds: bigint[]): Promise<bigint[]> {
      return Promise.all(giftIds.map(async (id) => (await ledger.gift(id)).paid));
    }

    it("pays each redemption from the oldest lots, one GiftSpent per lot with the redemption id", async function () {
      const { ledger, token, charity, vendor, lineageId, households, giftA, giftB, giftC } =
        await loadFixture(fixture);
      const [household] = households;
      const member = household.members[0];
      await issueTo(ledger, charity, lineageId, [household], 100n * UNIT);
      const vendorBefore = await token.balanceOf(vendor.address);
      const ledgerBefore = await token.balanceOf(await ledger.getAddress());

      const steps: { amount: bigint; spent: [bigint, bigint][] }[] = [
        { amount: 20n * UNIT, spent: [[giftA, 20n * UNIT]] },
        // Spans two lots of two donors: the rest of gift A, then the start of gift B.
        {
          amount: 45n * UNIT,
          spent: [
            [giftA, 10n * UNIT],
            [giftB, 35n * UNIT],
          ],
        },
        {
          amount: 35n * UNIT,
          spent: [
            [giftB, 15n * UNIT],
            [giftC, 20n * UNIT],
          ],
        },
      ];
      for (const step of steps) {
        const receipt = await receiptFor(
          ledger,
          lineageId,
          household.householdRef,
          member,
          vendor,
          step.amount,
        );
        const redemptionId = await ledger.receiptDigest(receipt);
        const tx = await redeemSigned(ledger, vendor, member.wallet, receipt);
        expect(await giftSpentLogs(ledger, tx)).to.deep.equal(
          step.spent.map(([giftId, amount]) => ({
            giftId,
            programmeId: lineageId,
            amount,
            kind: BigInt(Outflow.Settlement),
            ref: redemptionId,
          })),
        );
        await expectEscrowBalanced(ledger);
      }

      expect((await ledger.gift(giftA)).paid).to.equal(30n * UNIT);
      expect((await ledger.gift(giftB)).paid).to.equal(50n * UNIT);
      expect((await ledger.gift(giftC)).paid).to.equal(20n * UNIT);
      expect(await ledger.fundsOf(lineageId)).to.deep.equal([
        120n * UNIT,
        100n * UNIT,
        0n,
        0n,
        20n * UNIT,
        0n,
        100n * UNIT,
        0n,
      ]);
      // Redemptions credit the vendor; the tokens leave escrow when it collects.
      expect(await ledger.owedTo(lineageId, vendor.address)).to.equal(100n * UNIT);
      expect(await token.balanceOf(vendor.address)).to.equal(vendorBefore);
      await passDisputeWindows();
      await ledger.connect(vendor).collectSettlement(lineageId, ethers.ZeroAddress);
      expect(await token.balanceOf(vendor.address)).to.equal(vendorBefore + 100n * UNIT);
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(ledgerBefore - 100n * UNIT);
    });

    it("un-spends the most recently spent lots for an upheld dispute, leaving each lot as FIFO of the lower total", async function () {
      const { ledger, charity, vendor, auditor, lineageId, households, giftA, giftB, giftC } =
        await loadFixture(fixture);
      const [household] = households;
      const member = household.members[0];
      await issueTo(ledger, charity, lineageId, [household], 100n * UNIT);
      const receipts = [];
      for (const amount of [20n * UNIT, 45n * UNIT, 35n * UNIT]) {
        const receipt = await receiptFor(ledger, lineageId, household.householdRef, member, vendor, amount);
        await redeemSigned(ledger, vendor, member.wallet, receipt);
        receipts.push(receipt);
      }
      // Lots A 30/30, B 50/50, C 20/40. The 45 (paid by A and B) is disputed and upheld.
      await ledger.connect(member.wallet).flagRedemption(receipts[1], "bafy-reason");
      const redemptionId = await ledger.receiptDigest(receipts[1]);
      const tx = await ledger.connect(auditor).resolveFlag(redemptionId, true, "bafy-report");
      expect(await reversedLots(ledger, tx)).to.deep.equal([
        [giftC, 20n * UNIT, redemptionId],
        [giftB, 25n * UNIT, redemptionId],
      ]);
      // Paid 55 in all: exactly what FIFO gives A (30) and B (25).
      expect(await paidOf(ledger, [giftA, giftB, giftC])).to.deep.equal([30n * UNIT, 25n * UNIT, 0n]);
      expect((await ledger.fundsOf(lineageId)).paid).to.equal(55n * UNIT);
      // FIFO resumes in B: the budget is the programme's again.
      await issueTo(ledger, charity, lineageId, [households[1]], 30n * UNIT);
      const next = await receiptFor(
        ledger,
        lineageId,
        households[1].householdRef,
        households[1].members[0],
        vendor,
        30n * UNIT,
      );
      const spent = giftSpentLogs(
        ledger,
        await redeemSigned(ledger, vendor, households[1].members[0].wallet, next),
      );
      expect((await spent).map((s) => [s.giftId, s.amount])).to.deep.equal([
        [giftB, 25n * UNIT],
        [giftC, 5n * UNIT],
      ]);
      await expectEscrowBalanced(ledger);
    });

    it("un-spends the lot before the cursor when an upheld dispute finds the cursor on a lot nothing was taken from", async function () {
      const { ledger, charity, vendor, auditor, lineageId, households, giftA, giftB, giftC } =
        await loadFixture(fixture);
      const [household] = households;
      const member = household.members[0];
      await issueTo(ledger, charity, lineageId, [household], 100n * UNIT);
      // Exactly lot A: the cursor moves on to B, from which nothing is taken.
      const receipt = await receiptFor(ledger, lineageId, household.householdRef, member, vendor, 30n * UNIT);
      await redeemSigned(ledger, vendor, member.wallet, receipt);
      await ledger.connect(member.wallet).flagRedemption(receipt, "bafy-reason");
      const redemptionId = await ledger.receiptDigest(receipt);
      const tx = await ledger.connect(auditor).resolveFlag(redemptionId, true, "bafy-report");
      expect(await reversedLots(ledger, tx)).to.deep.equal([[giftA, 30n * UNIT, redemptionId]]);
      expect(await paidOf(ledger, [giftA, giftB, giftC])).to.deep.equal([0n, 0n, 0n]);
      // FIFO starts again at A.
      const next = await receiptFor(ledger, lineageId, household.householdRef, member, vendor, 10n * UNIT);
      const spent = await giftSpentLogs(ledger, await redeemSigned(ledger, vendor, member.wallet, next));
      expect(spent.map((s) => [s.giftId, s.amount])).to.deep.equal([[giftA, 10n * UNIT]]);
      await expectEscrowBalanced(ledger);
    });

    it("un-spends the last lot when an upheld dispute finds every lot spent and the cursor past the end", async function () {
      const { ledger, charity, vendor, auditor, donor, lineageId, households, giftA, giftB, giftC } =
        await loadFixture(fixture);
      const [first, second] = households;
      // The whole budget of 120 is issued.
      await issueTo(ledger, charity, lineageId, [first], 100n * UNIT);
      await issueTo(ledger, charity, lineageId, [second], 20n * UNIT);
      const redeem = async (household: (typeof households)[number], amount: bigint) => {
        const member = household.members[0];
        const receipt = await receiptFor(ledger, lineageId, household.householdRef, member, vendor, amount);
        await redeemSigned(ledger, vendor, member.wallet, receipt);
        return receipt;
      };
      // 100 + 20 spend all three lots (30 + 50 + 40): the cursor sits past the last one.
      await redeem(first, 100n * UNIT);
      const last = await redeem(second, 20n * UNIT);
      expect(await paidOf(ledger, [giftA, giftB, giftC])).to.deep.equal([30n * UNIT, 50n * UNIT, 40n * UNIT]);
      await ledger.connect(auditor).flagRedemption(last, "bafy-reason");
      const redemptionId = await ledger.receiptDigest(last);
      const tx = await ledger.connect(auditor).resolveFlag(redemptionId, true, "bafy-report");
      expect(await reversedLots(ledger, tx)).to.deep.equal([[giftC, 20n * UNIT, redemptionId]]);
      expect(await paidOf(ledger, [giftA, giftB, giftC])).to.deep.equal([30n * UNIT, 50n * UNIT, 20n * UNIT]);
      expect((await ledger.fundsOf(lineageId)).paid).to.equal(100n * UNIT);
      // The un-spent 20 of lot C pays the next redemption, before a newer gift.
      await ledger.connect(donor).give(lineageId, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      await issueTo(ledger, charity, lineageId, [households[2]], 20n * UNIT);
      const spent = await giftSpentLogs(
        ledger,
        await redeemSigned(
          ledger,
          vendor,
          households[2].members[0].wallet,
          await receiptFor(
            ledger,
            lineageId,
            households[2].householdRef,
            households[2].members[0],
            vendor,
            20n * UNIT,
          ),
        ),
      );
      expect(spent.map((s) => [s.giftId, s.amount])).to.deep.equal([[giftC, 20n * UNIT]]);
      await expectEscrowBalanced(ledger);
    });

    it("moves on to a gift that arrives after the older lots ran dry", async function () {
      const { ledger, charity, vendor, donor2, lineageId, households } = await loadFixture(fixture);
      const [first, second] = households;
      await issueTo(ledger, charity, lineageId, [first], 100n * UNIT);
      await redeemSigned(
        ledger,
        vendor,
        first.members[0].wallet,
        await receiptFor(ledger, lineageId, first.householdRef, first.members[0], vendor, 100n * UNIT),
      );
      const lateGift = (await ledger.giftCount()) + 1n;
      await ledger.connect(donor2).give(lineageId, 15n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      await issueTo(ledger, charity, lineageId, [second], 30n * UNIT);
      const receipt = await receiptFor(
        ledger,
        lineageId,
        second.householdRef,
        second.members[0],
        vendor,
        30n * UNIT,
      );
      const tx = await redeemSigned(ledger, vendor, second.members[0].wallet, receipt);
      const ref = await ledger.receiptDigest(receipt);
      expect(await giftSpentLogs(ledger, tx)).to.deep.equal([
        { giftId: 4n, programmeId: lineageId, amount: 20n * UNIT, kind: 0n, ref },
        { giftId: lateGift, programmeId: lineageId, amount: 10n * UNIT, kind: 0n, ref },
      ]);
      await expectEscrowBalanced(ledger);
    });

    it("touches at most MAX_LOTS_PER_PAYMENT lots for a full-cap payment starting in a half-spent lot", async function () {
      const { ledger, token, charity, vendor, donor, households } = await loadFixture(fixture);
      const cap = 63n * UNIT; // cap / minGift == 63, the most creation allows
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { capPerPeriod: cap, minGift: UNIT, vendors: [vendor.address] }),
      );
      for (let i = 0; i < 65; i++) {
        await ledger.connect(donor).give(id, UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      }
      const firstLot = (await ledger.lotsOf(id, 0, 1))[0];
      const [big, small] = households;
      await issueTo(ledger, charity, id, [small], UNIT);
      await redeemSigned(
        ledger,
        vendor,
        small.members[0].wallet,
        await receiptFor(ledger, id, small.householdRef, small.members[0], vendor, UNIT / 2n),
      );
      await issueTo(ledger, charity, id, [big], cap);
      const tx = await redeemSigned(
        ledger,
        vendor,
        big.members[0].wallet,
        await receiptFor(ledger, id, big.householdRef, big.members[0], vendor, cap),
      );
      const spent = await giftSpentLogs(ledger, tx);
      expect(spent.length).to.equal(Number(await ledger.MAX_LOTS_PER_PAYMENT()));
      expect(spent.map((s) => s.giftId)).to.deep.equal(
        Array.from({ length: 64 }, (_, i) => firstLot + BigInt(i)),
      );
      expect(spent[0].amount).to.equal(UNIT / 2n);
      expect(spent[63].amount).to.equal(UNIT / 2n);
      expect(spent.reduce((sum, s) => sum + s.amount, 0n)).to.equal(cap);
      await expectEscrowBalanced(ledger);
    });
  });
});
