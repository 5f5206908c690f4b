import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  issueTo,
  ledgerWorld,
  receiptFor,
  receiptHash,
  receiptNonceOf,
  redeemSigned,
  type Receipt,
  expectEscrowBalanced,
  passDisputeWindows,
} from "../helpers/ledger";
import { ROLE_NAMES, shouldRefuseRoles, type RoleName } from "../helpers/roles";
import { DAY, DisputeStatus, LicenceKind, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: disputes over redemptions", function () {
  const REASON = "bafy-reason-not-delivered";
  const REPORT = "bafy-audit-report";
  const WINDOW = 14 * DAY;
  const ISSUED = 100n * UNIT;
  const REDEEMED = 40n * UNIT;

  /**
   * Household 1 covered for 100 in programme 1, of which its first member accepted a 40-unit delivery from
   * `vendor` on a receipt valid for a day: a redemption whose dispute window is bound by that deadline.
   */
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, charity, vendor, programmeId, households } = world;
    const [h1] = households;
    const member = h1.members[0];
    await issueTo(ledger, charity, programmeId, [h1], ISSUED);
    const receipt = await receiptFor(ledger, programmeId, h1.householdRef, member, vendor, REDEEMED);
    await redeemSigned(ledger, vendor, member.wallet, receipt);
    const redemptionId = await receiptHash(ledger, receipt);
    return { ...world, receipt, redemptionId, member };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** The end of the receipt's period: `(period + 1) * periodLength`. */
  function periodEndOf(world: Fixture): number {
    return (Number(world.period) + 1) * PERIOD;
  }

  /** A 10-unit redemption on a receipt valid well past the end of its period. */
  async function longLivedRedemption(world: Fixture) {
    const { ledger, vendor, programmeId, households, member } = world;
    const deadline = BigInt(periodEndOf(world) + 10 * DAY);
    const receipt = await receiptFor(
      ledger,
      programmeId,
      households[0].householdRef,
      member,
      vendor,
      10n * UNIT,
      { deadline },
    );
    await redeemSigned(ledger, vendor, member.wallet, receipt);
    return { receipt, redemptionId: await receiptHash(ledger, receipt) };
  }

  /** One second after `closesAt`, neither the beneficiary nor an auditor may flag, and nothing is recorded. */
  async function expectWindowClosedAfter(
    { ledger, auditor, member }: Fixture,
    receipt: Receipt,
    redemptionId: string,
    closesAt: number,
  ): Promise<void> {
    await time.setNextBlockTimestamp(closesAt + 1);
    for (const flagger of [member.wallet, auditor]) {
      await expect(ledger.connect(flagger).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeWindowClosed")
        .withArgs(redemptionId, closesAt);
    }
    expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
  }

  describe("flagRedemption", function () {
    it("lets the beneficiary's wallet flag within the window, emitting RedemptionFlagged", async function () {
      const { ledger, receipt, redemptionId, member } = await loadFixture(fixture);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(redemptionId, member.wallet.address, REASON);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
    });

    it("lets an auditor flag, emitting RedemptionFlagged", async function () {
      const { ledger, auditor, receipt, redemptionId } = await loadFixture(fixture);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(redemptionId, auditor.address, REASON);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
    });

    it("flags only the receipt's own redemption id and holds its amount out of the vendor's pending credit, moving no tokens", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, programmeId, households, receipt, redemptionId, member } = world;
      // A second redemption of the household, left unflagged.
      const second = await receiptFor(ledger, programmeId, households[0].householdRef, member, vendor, UNIT);
      await redeemSigned(ledger, vendor, member.wallet, second);
      const secondId = await receiptHash(ledger, second);
      const [owed, funds, held] = [
        await ledger.owedTo(programmeId, vendor.address),
        await ledger.fundsOf(programmeId),
        await token.balanceOf(await ledger.getAddress()),
      ];
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.emit(ledger, "SettlementHeld")
        .withArgs(redemptionId, programmeId, vendor.address, REDEEMED);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
      expect(await ledger.disputeStatus(secondId)).to.equal(DisputeStatus.None);
      // Still owed to the vendor, but held: neither pending nor collectable.
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(owed);
      const credit = await ledger.creditOf(programmeId, vendor.address);
      expect([credit.collectable, credit.pendingEarlier, credit.pendingLatest, credit.held]).to.deep.equal([
        0n,
        0n,
        UNIT,
        REDEEMED,
      ]);
      const after = await ledger.fundsOf(programmeId);
      expect(after.held).to.equal(REDEEMED);
      expect([after.given, after.paid, after.owed, after.collected]).to.deep.equal([
        funds.given,
        funds.paid,
        funds.owed,
        0n,
      ]);
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(held);
      // The later redemption can be flagged in its own right.
      await expect(ledger.connect(member.wallet).flagRedemption(second, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(secondId, member.wallet.address, REASON)
        .and.to.emit(ledger, "SettlementHeld")
        .withArgs(secondId, programmeId, vendor.address, UNIT);
      expect((await ledger.fundsOf(programmeId)).held).to.equal(REDEEMED + UNIT);
    });

    describe("what a flag can hold", function () {
      /** Household 2 redeems 30 at `vendor2`: credit a receipt forged by household 1 can name. */
      async function withSecondVendorCredit() {
        const world = await loadFixture(fixture);
        const { ledger, charity, vendor2, programmeId, households } = world;
        await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true);
        await issueTo(ledger, charity, programmeId, [households[1]], ISSUED);
        const other = households[1];
        const otherReceipt = await receiptFor(
          ledger,
          programmeId,
          other.householdRef,
          other.members[0],
          vendor2,
          30n * UNIT,
        );
        await redeemSigned(ledger, vendor2, other.members[0].wallet, otherReceipt);
        return world;
      }

      it("holds at most the named vendor's pending credit and the household's redeemed amount, over all its flags", async function () {
        const world = await withSecondVendorCredit();
        const { ledger, vendor, vendor2, programmeId, receipt, redemptionId, member } = world;
        // The household signs a second receipt on its used nonce, naming vendor2, which never served it.
        const forged = { ...receipt, vendor: vendor2.address };
        const forgedId = await receiptHash(ledger, forged);
        await expect(ledger.connect(member.wallet).flagRedemption(forged, REASON))
          .to.emit(ledger, "SettlementHeld")
          .withArgs(forgedId, programmeId, vendor2.address, 30n * UNIT);
        expect((await ledger.creditOf(programmeId, vendor2.address)).held).to.equal(30n * UNIT);
        // The true flag finds only what the household redeemed less what its flags hold: 40 - 30.
        await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
          .to.emit(ledger, "SettlementHeld")
          .withArgs(redemptionId, programmeId, vendor.address, 10n * UNIT);
        // A third flag of the household's period holds nothing, but is recorded.
        const third = { ...receipt, evidenceHash: ethers.id("another story") };
        const thirdId = await receiptHash(ledger, third);
        await expect(ledger.connect(member.wallet).flagRedemption(third, REASON)).not.to.emit(
          ledger,
          "SettlementHeld",
        );
        expect(await ledger.disputeStatus(thirdId)).to.equal(DisputeStatus.Flagged);
        expect((await ledger.fundsOf(programmeId)).held).to.equal(40n * UNIT);

        // Dismissing the forged flag releases vendor2's 30 to its pending credit; nothing else moves.
        await ledger.connect(world.auditor).resolveFlag(forgedId, false, REPORT);
        const credit = await ledger.creditOf(programmeId, vendor2.address);
        expect([credit.pendingLatest, credit.held]).to.deep.equal([30n * UNIT, 0n]);
        expect((await ledger.fundsOf(programmeId)).held).to.equal(10n * UNIT);
      });

      it("holds nothing of a vendor without pending credit, though the flag is recorded", async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor2, receipt, member } = world;
        const forged = { ...receipt, vendor: vendor2.address };
        const forgedId = await receiptHash(ledger, forged);
        await expect(ledger.connect(member.wallet).flagRedemption(forged, REASON))
          .to.emit(ledger, "RedemptionFlagged")
          .and.not.to.emit(ledger, "SettlementHeld");
        expect(await ledger.disputeStatus(forgedId)).to.equal(DisputeStatus.Flagged);
        expect((await ledger.fundsOf(world.programmeId)).held).to.equal(0n);
      });
    });

    shouldRefuseRoles(
      "flagRedemption",
      ROLE_NAMES.filter((role): role is Exclude<RoleName, "auditor"> => role !== "auditor"),
      async () => {
        const world = await loadFixture(fixture);
        return {
          actors: world,
          contract: world.ledger,
          call: (as) => world.ledger.connect(as).flagRedemption(world.receipt, REASON),
        };
      },
      "FlagUnauthorized",
      (caller) => [caller.address],
    );

    it("reverts with FlagUnauthorized for the household's other member and another household's beneficiary", async function () {
      const { ledger, receipt, redemptionId, households } = await loadFixture(fixture);
      for (const other of [households[0].members[1].wallet, households[1].members[0].wallet]) {
        await expect(ledger.connect(other).flagRedemption(receipt, REASON))
          .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
          .withArgs(other.address);
      }
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
    });

    it("reverts with FlagUnauthorized for another household's beneficiary naming itself on this redemption", async function () {
      const { ledger, receipt, households } = await loadFixture(fixture);
      const outsider = households[1].members[0];
      // Same programme, household, nonce and amount: only the beneficiary differs, and it is not a member.
      const renamed = { ...receipt, beneficiaryRef: outsider.beneficiaryRef };
      await expect(ledger.connect(outsider.wallet).flagRedemption(renamed, REASON))
        .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
        .withArgs(outsider.wallet.address);
      expect(await ledger.disputeStatus(await receiptHash(ledger, renamed))).to.equal(DisputeStatus.None);
    });

    it("reverts with FlagUnauthorized for an auditor whose licence is suspended", async function () {
      const { ledger, licences, regulator, auditor, receipt, redemptionId } = await loadFixture(fixture);
      await licences.connect(regulator).suspendLicence(auditor.address, LicenceKind.Auditor, ethers.ZeroHash);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
        .withArgs(auditor.address);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
    });

    it("follows a wallet rebind: the new wallet may flag, the lost one may not", async function () {
      const { ledger, registry, registrar, receipt, redemptionId, member, spareWallets } =
        await loadFixture(fixture);
      const [newWallet] = spareWallets;
      await registry
        .connect(registrar)
        .rebindWallet(member.beneficiaryRef, newWallet.address, ethers.id("lost"));
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
        .withArgs(member.wallet.address);
      await expect(ledger.connect(newWallet).flagRedemption(receipt, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(redemptionId, newWallet.address, REASON);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
    });

    it("reverts with DisputeStatusInvalid when flagged twice", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      for (const flagger of [auditor, member.wallet]) {
        await expect(ledger.connect(flagger).flagRedemption(receipt, REASON))
          .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
          .withArgs(redemptionId, DisputeStatus.Flagged);
      }
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
    });

    it("reverts with DisputeStatusInvalid when flagging a resolved redemption", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(auditor).resolveFlag(redemptionId, false, REPORT);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.Dismissed);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Dismissed);
    });

    describe("which receipts name a redemption", function () {
      const unknownReceipts: [string, (world: Fixture) => Partial<Receipt>][] = [
        ["whose nonce the household never used", ({ period }) => ({ nonce: receiptNonceOf(period, 1) })],
        ["of more than the household redeemed in the period", () => ({ amount: REDEEMED + 1n })],
        [
          "of a period the household redeemed nothing in",
          ({ period }) => ({ nonce: receiptNonceOf(period + 1n, 0) }),
        ],
        ["of amount zero", () => ({ amount: 0n })],
        ["whose nonce index is 32 or more", ({ period }) => ({ nonce: receiptNonceOf(period, 32) })],
        ["whose nonce's period does not fit 32 bits", () => ({ nonce: receiptNonceOf(1n << 32n, 0) })],
      ];
      for (const [label, change] of unknownReceipts) {
        it(`reverts with RedemptionUnknown for a receipt ${label}`, async function () {
          const world = await loadFixture(fixture);
          const { ledger, auditor, receipt } = world;
          const unredeemed = { ...receipt, ...change(world) };
          const unredeemedId = await receiptHash(ledger, unredeemed);
          await expect(ledger.connect(auditor).flagRedemption(unredeemed, REASON))
            .to.be.revertedWithCustomError(ledger, "RedemptionUnknown")
            .withArgs(unredeemedId);
          expect(await ledger.disputeStatus(unredeemedId)).to.equal(DisputeStatus.None);
        });
      }

      it("reverts with RedemptionUnknown for a receipt of a household not covered in the programme", async function () {
        const { ledger, auditor, vendor, programmeId, households, period } = await loadFixture(fixture);
        const [, , h3] = households;
        const receipt = await receiptFor(ledger, programmeId, h3.householdRef, h3.members[0], vendor, UNIT);
        expect(receipt.nonce).to.equal(receiptNonceOf(period, 0));
        await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
          .to.be.revertedWithCustomError(ledger, "RedemptionUnknown")
          .withArgs(await receiptHash(ledger, receipt));
      });

      it("reverts with ProgrammeUnknown for a receipt of an unknown programme", async function () {
        const { ledger, auditor, receipt } = await loadFixture(fixture);
        await expect(ledger.connect(auditor).flagRedemption({ ...receipt, programmeId: 99n }, REASON))
          .to.be.revertedWithCustomError(ledger, "ProgrammeUnknown")
          .withArgs(99);
      });

      it("accepts the receipt of a later redemption under another nonce", async function () {
        const world = await loadFixture(fixture);
        const { ledger, auditor, vendor, programmeId, households, period, member } = world;
        const last = await receiptFor(
          ledger,
          programmeId,
          households[0].householdRef,
          member,
          vendor,
          60n * UNIT,
        );
        expect(last.nonce).to.equal(receiptNonceOf(period, 1));
        await redeemSigned(ledger, vendor, member.wallet, last);
        const lastId = await receiptHash(ledger, last);
        await expect(ledger.connect(auditor).flagRedemption(last, REASON))
          .to.emit(ledger, "RedemptionFlagged")
          .withArgs(lastId, auditor.address, REASON);
        expect(await ledger.disputeStatus(lastId)).to.equal(DisputeStatus.Flagged);
      });
    });

    describe("window", function () {
      it("is bound by the receipt's deadline when it falls within the period", async function () {
        const world = await loadFixture(fixture);
        const { receipt, redemptionId } = world;
        expect(receipt.deadline).to.be.lessThan(BigInt(periodEndOf(world)));
        const closesAt = Number(receipt.deadline) + WINDOW;
        await expectWindowClosedAfter(world, receipt, redemptionId, closesAt);
      });

      it("accepts a flag at the last second of the deadline-bound window", async function () {
        const world = await loadFixture(fixture);
        const { ledger, receipt, redemptionId, member } = world;
        await time.setNextBlockTimestamp(Number(receipt.deadline) + WINDOW);
        await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
          .to.emit(ledger, "RedemptionFlagged")
          .withArgs(redemptionId, member.wallet.address, REASON);
        expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
      });

      it("is bound by the end of the receipt's period when the deadline is later", async function () {
        const world = await loadFixture(fixture);
        const { receipt, redemptionId } = await longLivedRedemption(world);
        const closesAt = periodEndOf(world) + WINDOW;
        expect(BigInt(closesAt)).to.be.lessThan(receipt.deadline + BigInt(WINDOW));
        await expectWindowClosedAfter(world, receipt, redemptionId, closesAt);
      });

      it("accepts a flag at the last second of the period-bound window, in a later period", async function () {
        const world = await loadFixture(fixture);
        const { ledger, programmeId, period, member } = world;
        const { receipt, redemptionId } = await longLivedRedemption(world);
        const closesAt = periodEndOf(world) + WINDOW;
        await time.setNextBlockTimestamp(closesAt);
        await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
          .to.emit(ledger, "RedemptionFlagged")
          .withArgs(redemptionId, member.wallet.address, REASON);
        expect(await ledger.currentPeriod(programmeId)).to.equal(period + 1n);
        expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
      });

      it("checks the window before the caller: a stranger after the window gets DisputeWindowClosed", async function () {
        const { ledger, stranger, receipt, redemptionId } = await loadFixture(fixture);
        const closesAt = Number(receipt.deadline) + WINDOW;
        await time.setNextBlockTimestamp(closesAt + 1);
        await expect(ledger.connect(stranger).flagRedemption(receipt, REASON))
          .to.be.revertedWithCustomError(ledger, "DisputeWindowClosed")
          .withArgs(redemptionId, closesAt);
      });
    });
  });

  describe("resolveFlag", function () {
    for (const [resolverName, upheld, status] of [
      ["auditor", true, DisputeStatus.Upheld],
      ["auditor", false, DisputeStatus.Dismissed],
      ["regulator", true, DisputeStatus.Upheld],
      ["regulator", false, DisputeStatus.Dismissed],
    ] as const) {
      it(`lets the ${resolverName} ${upheld ? "uphold" : "dismiss"} a flag, emitting RedemptionFlagResolved`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, token, vendor, programmeId, receipt, redemptionId, member } = world;
        const resolver = world[resolverName];
        await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
        const [vendorBalance, funds] = [
          await token.balanceOf(vendor.address),
          await ledger.fundsOf(programmeId),
        ];
        await expect(ledger.connect(resolver).resolveFlag(redemptionId, upheld, REPORT))
          .to.emit(ledger, "RedemptionFlagResolved")
          .withArgs(redemptionId, upheld, resolver.address, REPORT);
        expect(await ledger.disputeStatus(redemptionId)).to.equal(status);
        // No token moves either way: the hold goes back to the budget or to the vendor's credit.
        expect(await token.balanceOf(vendor.address)).to.equal(vendorBalance);
        const after = await ledger.fundsOf(programmeId);
        expect(after.held).to.equal(0n);
        expect(after.paid).to.equal(upheld ? funds.paid - REDEEMED : funds.paid);
        expect(after.available).to.equal(upheld ? funds.available + REDEEMED : funds.available);
        expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(upheld ? 0n : REDEEMED);
      });
    }

    it("upholding returns the hold to the budget and its gift lot, recorded as reversed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, auditor, vendor, programmeId, giftId, receipt, redemptionId, member } = world;
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      expect((await ledger.gift(giftId)).paid).to.equal(REDEEMED);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT))
        .to.emit(ledger, "GiftSettlementReversed")
        .withArgs(giftId, programmeId, REDEEMED, redemptionId);
      expect((await ledger.gift(giftId)).paid).to.equal(0n);
      const funds = await ledger.fundsOf(programmeId);
      expect([funds.paid, funds.owed, funds.held, funds.collected]).to.deep.equal([0n, 0n, 0n, 0n]);
      // The vendor has nothing to collect once the window closes.
      await passDisputeWindows();
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementNothingOwed")
        .withArgs(programmeId, vendor.address);
      await expectEscrowBalanced(ledger);
    });

    it("dismissing releases the hold to the vendor, collectable once the window closes", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, auditor, vendor, programmeId, receipt, redemptionId, member } = world;
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(auditor).resolveFlag(redemptionId, false, REPORT);
      const credit = await ledger.creditOf(programmeId, vendor.address);
      expect([credit.pendingLatest, credit.held]).to.deep.equal([REDEEMED, 0n]);
      await passDisputeWindows();
      await expect(
        ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress),
      ).to.changeTokenBalance(token, vendor, REDEEMED);
    });

    it("upheld after the programme's end, the reversed money is refunded with the gift's unspent rest", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, auditor, regulator, donor, programmeId, giftId, giftAmount } = world;
      const { receipt, redemptionId, member } = world;
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(regulator).closeProgramme(programmeId);
      await expect(ledger.settleUnspent(giftId)).to.changeTokenBalance(token, donor, giftAmount - REDEEMED);
      await ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT);
      await expect(ledger.settleUnspent(giftId)).to.changeTokenBalance(token, donor, REDEEMED);
      const funds = await ledger.fundsOf(programmeId);
      expect([funds.paid, funds.refunded, funds.available]).to.deep.equal([0n, giftAmount, 0n]);
      await expectEscrowBalanced(ledger);
    });

    it("resolves after the flagging window has closed", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await time.increase(PERIOD + WINDOW * 2);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT))
        .to.emit(ledger, "RedemptionFlagResolved")
        .withArgs(redemptionId, true, auditor.address, REPORT);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Upheld);
    });

    for (const upheld of [true, false]) {
      it(`${upheld ? "upholds" : "dismisses"} a flag that held nothing, moving no money`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, auditor, vendor, vendor2, programmeId, giftId, receipt, member } = world;
        // A receipt naming vendor2, which has no credit to hold.
        const forged = { ...receipt, vendor: vendor2.address };
        const forgedId = await receiptHash(ledger, forged);
        await ledger.connect(member.wallet).flagRedemption(forged, REASON);
        const [funds, gift] = [await ledger.fundsOf(programmeId), await ledger.gift(giftId)];
        await expect(ledger.connect(auditor).resolveFlag(forgedId, upheld, REPORT))
          .to.emit(ledger, "RedemptionFlagResolved")
          .withArgs(forgedId, upheld, auditor.address, REPORT)
          .and.not.to.emit(ledger, "GiftSettlementReversed");
        expect(await ledger.disputeStatus(forgedId)).to.equal(
          upheld ? DisputeStatus.Upheld : DisputeStatus.Dismissed,
        );
        expect(await ledger.fundsOf(programmeId)).to.deep.equal(funds);
        expect((await ledger.gift(giftId)).paid).to.equal(gift.paid);
        expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(REDEEMED);
        expect(await ledger.owedTo(programmeId, vendor2.address)).to.equal(0n);
      });
    }

    it("reverts with DisputeStatusInvalid for a redemption that was not flagged", async function () {
      const { ledger, auditor, redemptionId } = await loadFixture(fixture);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.None);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
    });

    it("reverts with DisputeStatusInvalid for an id no redemption has", async function () {
      const { ledger, regulator } = await loadFixture(fixture);
      const unknown = ethers.id("no such redemption");
      await expect(ledger.connect(regulator).resolveFlag(unknown, false, REPORT))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(unknown, DisputeStatus.None);
      expect(await ledger.disputeStatus(unknown)).to.equal(DisputeStatus.None);
    });

    it("reverts with DisputeStatusInvalid when resolved twice", async function () {
      const { ledger, auditor, regulator, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT);
      await expect(ledger.connect(regulator).resolveFlag(redemptionId, false, REPORT))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.Upheld);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Upheld);
    });

    shouldRefuseRoles(
      "resolveFlag",
      ROLE_NAMES.filter(
        (role): role is Exclude<RoleName, "auditor" | "regulator"> =>
          role !== "auditor" && role !== "regulator",
      ),
      async () => {
        const world = await loadFixture(fixture);
        await world.ledger.connect(world.member.wallet).flagRedemption(world.receipt, REASON);
        return {
          actors: world,
          contract: world.ledger,
          call: (as) => world.ledger.connect(as).resolveFlag(world.redemptionId, true, REPORT),
        };
      },
      "ResolverUnauthorized",
      (caller) => [caller.address],
    );

    it("reverts with ResolverUnauthorized for the flagging beneficiary and a suspended auditor", async function () {
      const { ledger, licences, regulator, auditor, receipt, redemptionId, member } =
        await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await expect(ledger.connect(member.wallet).resolveFlag(redemptionId, true, REPORT))
        .to.be.revertedWithCustomError(ledger, "ResolverUnauthorized")
        .withArgs(member.wallet.address);
      await licences.connect(regulator).suspendLicence(auditor.address, LicenceKind.Auditor, ethers.ZeroHash);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT))
        .to.be.revertedWithCustomError(ledger, "ResolverUnauthorized")
        .withArgs(auditor.address);
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.Flagged);
    });
  });

  describe("holds across the vendor's settlement groups", function () {
    const LATE = 10n * UNIT;
    const NEXT = 25n * UNIT;

    /** Covers `household` in the current period and redeems `amount` of it at `vendor`. */
    async function redeemNow(world: Fixture, household: Fixture["households"][number], amount: bigint) {
      const { ledger, charity, vendor, programmeId } = world;
      const member = household.members[0];
      await issueTo(ledger, charity, programmeId, [household], ISSUED);
      const receipt = await receiptFor(ledger, programmeId, household.householdRef, member, vendor, amount);
      await redeemSigned(ledger, vendor, member.wallet, receipt);
    }

    /**
     * Household 1's 40 and a late receipt of 10 (valid past its period's end), then, a day into the next
     * period, `vendor`'s first redemption there (household 2, 25). With 30-day periods a settlement group is
     * one period, so the first period's 50 is now the vendor's earlier pending credit, while the late
     * receipt's window (the period's end + 14 days) is still open.
     */
    async function afterTheVendorMovedOn() {
      const world = await loadFixture(fixture);
      const { receipt: late, redemptionId: lateId } = await longLivedRedemption(world);
      await time.increaseTo(periodEndOf(world) + DAY);
      await redeemNow(world, world.households[1], NEXT);
      return { ...world, late, lateId };
    }

    async function creditParts({ ledger, programmeId, vendor }: Fixture): Promise<bigint[]> {
      const credit = await ledger.creditOf(programmeId, vendor.address);
      return [credit.collectable, credit.pendingEarlier, credit.pendingLatest, credit.held];
    }

    it("holds a flagged receipt of the vendor's earlier group out of its earlier pending credit", async function () {
      const world = await afterTheVendorMovedOn();
      const { ledger, vendor, programmeId, late, lateId, member } = world;
      expect(await creditParts(world)).to.deep.equal([0n, REDEEMED + LATE, NEXT, 0n]);
      await expect(ledger.connect(member.wallet).flagRedemption(late, REASON))
        .to.emit(ledger, "SettlementHeld")
        .withArgs(lateId, programmeId, vendor.address, LATE);
      expect(await creditParts(world)).to.deep.equal([0n, REDEEMED, NEXT, LATE]);
      expect((await ledger.fundsOf(programmeId)).held).to.equal(LATE);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(REDEEMED + LATE + NEXT);
    });

    it("dismissing returns the hold to the earlier pending credit, collectable when that window closes", async function () {
      const world = await afterTheVendorMovedOn();
      const { ledger, token, auditor, vendor, programmeId, late, lateId, member } = world;
      await ledger.connect(member.wallet).flagRedemption(late, REASON);
      await ledger.connect(auditor).resolveFlag(lateId, false, REPORT);
      expect(await creditParts(world)).to.deep.equal([0n, REDEEMED + LATE, NEXT, 0n]);
      expect((await ledger.fundsOf(programmeId)).held).to.equal(0n);
      // The earlier group's window closes 14 days after the first period's end; the latest stays pending.
      await time.increaseTo(periodEndOf(world) + WINDOW + 1);
      await expect(
        ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress),
      ).to.changeTokenBalance(token, vendor, REDEEMED + LATE);
      expect(await creditParts(world)).to.deep.equal([0n, 0n, NEXT, 0n]);
      await expectEscrowBalanced(ledger);
    });

    it("upholding takes the hold back from the earlier group and leaves the vendor the rest", async function () {
      const world = await afterTheVendorMovedOn();
      const { ledger, auditor, vendor, programmeId, giftId, late, lateId, member } = world;
      await ledger.connect(member.wallet).flagRedemption(late, REASON);
      await expect(ledger.connect(auditor).resolveFlag(lateId, true, REPORT))
        .to.emit(ledger, "GiftSettlementReversed")
        .withArgs(giftId, programmeId, LATE, lateId);
      expect(await creditParts(world)).to.deep.equal([0n, REDEEMED, NEXT, 0n]);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(REDEEMED + NEXT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(REDEEMED + NEXT);
      await expectEscrowBalanced(ledger);
    });

    it("dismissed after the vendor moved two groups on, the hold is collectable at once", async function () {
      const world = await afterTheVendorMovedOn();
      const { ledger, token, auditor, vendor, programmeId, late, lateId, member, households } = world;
      await ledger.connect(member.wallet).flagRedemption(late, REASON);
      // A redemption a day into the period after next moves the first group's 40 to collectable and the
      // second's 25 to earlier pending; the hold's group is now two behind, its window closed.
      await time.increaseTo(periodEndOf(world) + PERIOD + DAY);
      await redeemNow(world, households[2], UNIT);
      expect(await creditParts(world)).to.deep.equal([REDEEMED, NEXT, UNIT, LATE]);
      await ledger.connect(auditor).resolveFlag(lateId, false, REPORT);
      expect(await creditParts(world)).to.deep.equal([REDEEMED + LATE, NEXT, UNIT, 0n]);
      await expect(
        ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress),
      ).to.changeTokenBalance(token, vendor, REDEEMED + LATE);
      await expectEscrowBalanced(ledger);
    });
  });
});
