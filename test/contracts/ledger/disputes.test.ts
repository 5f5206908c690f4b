import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { issueTo, ledgerWorld, receiptFor, receiptHash, redeemSigned } from "../helpers/ledger";
import { DAY, DisputeStatus, LicenceKind, UNIT } from "../helpers/system";

describe("AidLedger: disputes over redemptions", function () {
  const REASON = "bafy-reason-not-delivered";
  const REPORT = "bafy-audit-report";
  const WINDOW = 14 * DAY;

  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, charity, vendor, programmeId, households } = world;
    const [h1] = households;
    const member = h1.members[0];
    await issueTo(ledger, charity, programmeId, [h1], 100n * UNIT);
    const receipt = await receiptFor(programmeId, h1.householdRef, member, vendor, 40n * UNIT);
    const tx = await redeemSigned(ledger, vendor, member.wallet, receipt);
    const redeemedAt = (await tx.getBlock())!.timestamp;
    const redemptionId = await receiptHash(ledger, receipt);
    return { ...world, receipt, redemptionId, redeemedAt, member };
  }

  describe("flagRedemption", function () {
    it("lets the beneficiary's wallet flag within the window and emits RedemptionFlagged", async function () {
      const { ledger, receipt, redemptionId, redeemedAt, member } = await loadFixture(fixture);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(redemptionId, member.wallet.address, REASON);
      expect(await ledger.redemption(redemptionId)).to.deep.equal([
        BigInt(redeemedAt),
        BigInt(DisputeStatus.Flagged),
      ]);
    });

    it("lets an auditor flag", async function () {
      const { ledger, auditor, receipt, redemptionId } = await loadFixture(fixture);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(redemptionId, auditor.address, REASON);
      expect((await ledger.redemption(redemptionId)).status).to.equal(DisputeStatus.Flagged);
    });

    it("reverts with DisputeWindowClosed one second after the window, for the wallet and an auditor", async function () {
      const { ledger, auditor, receipt, redemptionId, redeemedAt, member } = await loadFixture(fixture);
      const closesAt = redeemedAt + WINDOW;
      await time.setNextBlockTimestamp(closesAt + 1);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeWindowClosed")
        .withArgs(redemptionId, closesAt);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeWindowClosed")
        .withArgs(redemptionId, closesAt);
    });

    it("accepts a flag exactly when the window closes", async function () {
      const { ledger, receipt, redeemedAt, member } = await loadFixture(fixture);
      await time.setNextBlockTimestamp(redeemedAt + WINDOW);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON)).to.emit(
        ledger,
        "RedemptionFlagged",
      );
    });

    it("reverts with DisputeStatusInvalid when flagged twice", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.Flagged);
    });

    it("reverts with DisputeStatusInvalid when flagging a resolved redemption", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(auditor).resolveFlag(redemptionId, false, REPORT);
      await expect(ledger.connect(member.wallet).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.Dismissed);
    });

    it("reverts with RedemptionUnknown for a receipt that was never redeemed", async function () {
      const { ledger, auditor, receipt } = await loadFixture(fixture);
      const unredeemed = { ...receipt, nonce: 1n };
      await expect(ledger.connect(auditor).flagRedemption(unredeemed, REASON))
        .to.be.revertedWithCustomError(ledger, "RedemptionUnknown")
        .withArgs(await receiptHash(ledger, unredeemed));
    });

    it("reverts with FlagUnauthorized for the household's other member", async function () {
      const { ledger, receipt, households } = await loadFixture(fixture);
      const other = households[0].members[1].wallet;
      await expect(ledger.connect(other).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
        .withArgs(other.address);
    });

    it("reverts with FlagUnauthorized for an auditor whose licence is suspended", async function () {
      const { ledger, licences, regulator, auditor, receipt } = await loadFixture(fixture);
      await licences.connect(regulator).suspendLicence(auditor.address, LicenceKind.Auditor, ethers.ZeroHash);
      await expect(ledger.connect(auditor).flagRedemption(receipt, REASON))
        .to.be.revertedWithCustomError(ledger, "FlagUnauthorized")
        .withArgs(auditor.address);
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
        const { ledger, token, vendor, receipt, redemptionId, redeemedAt, member } = world;
        const resolver = world[resolverName];
        await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
        const vendorBalance = await token.balanceOf(vendor.address);
        await expect(ledger.connect(resolver).resolveFlag(redemptionId, upheld, REPORT))
          .to.emit(ledger, "RedemptionFlagResolved")
          .withArgs(redemptionId, upheld, resolver.address, REPORT);
        expect(await ledger.redemption(redemptionId)).to.deep.equal([BigInt(redeemedAt), BigInt(status)]);
        // The outcome is a record for the regulator; it moves no money.
        expect(await token.balanceOf(vendor.address)).to.equal(vendorBalance);
      });
    }

    it("resolves after the flagging window has closed", async function () {
      const { ledger, auditor, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await time.increase(WINDOW * 2);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT)).to.emit(
        ledger,
        "RedemptionFlagResolved",
      );
    });

    it("reverts with DisputeStatusInvalid for a redemption that was not flagged", async function () {
      const { ledger, auditor, redemptionId } = await loadFixture(fixture);
      await expect(ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.None);
    });

    it("reverts with DisputeStatusInvalid when resolved twice", async function () {
      const { ledger, auditor, regulator, receipt, redemptionId, member } = await loadFixture(fixture);
      await ledger.connect(member.wallet).flagRedemption(receipt, REASON);
      await ledger.connect(auditor).resolveFlag(redemptionId, true, REPORT);
      await expect(ledger.connect(regulator).resolveFlag(redemptionId, false, REPORT))
        .to.be.revertedWithCustomError(ledger, "DisputeStatusInvalid")
        .withArgs(redemptionId, DisputeStatus.Upheld);
    });

    it("reverts with RedemptionUnknown for an id that was never redeemed", async function () {
      const { ledger, auditor } = await loadFixture(fixture);
      const unknown = ethers.id("no such redemption");
      await expect(ledger.connect(auditor).resolveFlag(unknown, true, REPORT))
        .to.be.revertedWithCustomError(ledger, "RedemptionUnknown")
        .withArgs(unknown);
    });

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
    });
  });
});
