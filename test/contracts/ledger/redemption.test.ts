import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AidLedger__factory, ProgrammeSetup__factory } from "../../../typechain-types";
import {
  createProgramme,
  entitlementIdOf,
  entitlementOf,
  expectEscrowBalanced,
  firstMemberReceipt,
  giftSpentLogs,
  householdAccountOf,
  issueTo,
  ledgerWorld,
  malleate,
  programmeParams,
  RECEIPT_TYPES,
  receiptDomain,
  receiptFor,
  receiptHash,
  receiptNonceOf,
  redeemSigned,
  signReceipt,
  type Receipt,
  passDisputeWindows,
} from "../helpers/ledger";
import { BeneficiaryStatus, DisputeStatus, LicenceKind, Outflow, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: redemption against signed delivery receipts", function () {
  const ISSUED = 100n * UNIT;
  const ECRECOVER_PRECOMPILE = "0x0000000000000000000000000000000000000001";

  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, licences, registry, token, charity, vendor, vendor2, donor, deployer, households } =
      world;
    const { programmeId } = world;
    const [h1, h2] = households;
    await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true);
    await issueTo(ledger, charity, programmeId, [h1, h2], ISSUED);
    // A programme whose every delivery needs a field agent's co-signature.
    const agentProgrammeId = await createProgramme(
      ledger,
      charity,
      await programmeParams(token, { requiresFieldAgent: true, vendors: [vendor.address] }),
    );
    await ledger.connect(donor).give(agentProgrammeId, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity, agentProgrammeId, [h1], ISSUED);
    // A second deployment of the ledger on the same registries, set up identically: same programme id, same
    // household entitlement. Only the EIP-712 domain's verifying contract differs.
    const setup = await new ProgrammeSetup__factory(deployer).deploy(
      await licences.getAddress(),
      await registry.getAddress(),
    );
    const otherLedger = await new AidLedger__factory(deployer).deploy(
      await licences.getAddress(),
      await registry.getAddress(),
      await setup.getAddress(),
      await world.mandates.getAddress(),
    );
    await token.connect(donor).approve(await otherLedger.getAddress(), ethers.MaxUint256);
    await createProgramme(otherLedger, charity, await programmeParams(token, { vendors: [vendor.address] }));
    await otherLedger.connect(donor).give(1, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(otherLedger, charity, 1n, [h1], ISSUED);
    return { ...world, agentProgrammeId, otherLedger };
  }

  /** A receipt of household 1's first member at `vendor` in the main programme. */
  const h1Receipt = firstMemberReceipt;

  describe("a valid receipt", function () {
    it("credits the vendor without moving tokens, burns the entitlement and moves the household's nonce on", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, vendor2, programmeId, households, period, giftId, giftAmount } = world;
      const [h1] = households;
      const member = h1.members[0];
      const receipt = await h1Receipt(world, 40n * UNIT);
      expect(receipt.nonce).to.equal(receiptNonceOf(period, 0n));
      const redemptionId = await receiptHash(ledger, receipt);
      const ledgerAddress = await ledger.getAddress();
      const [vendorBefore, ledgerBefore] = [
        await token.balanceOf(vendor.address),
        await token.balanceOf(ledgerAddress),
      ];

      const tx = await redeemSigned(ledger, vendor, member.wallet, receipt);
      await expect(tx)
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          redemptionId,
          programmeId,
          h1.householdRef,
          member.beneficiaryRef,
          vendor.address,
          40n * UNIT,
          receipt.evidenceHash,
          ethers.ZeroAddress,
        );
      await expect(tx)
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          vendor.address,
          householdAccountOf(h1.householdRef),
          ethers.ZeroAddress,
          entitlementIdOf(programmeId, period),
          40n * UNIT,
        );
      await expect(tx).to.not.emit(ledger, "SettlementCollected");
      await expect(tx).to.not.emit(token, "Transfer");
      expect(await giftSpentLogs(ledger, tx)).to.deep.equal([
        { giftId, programmeId, amount: 40n * UNIT, kind: BigInt(Outflow.Settlement), ref: redemptionId },
      ]);

      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        40n * UNIT,
      ]);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(60n * UNIT);
      // given, paid, refunded, outstanding, available, collected: paid but not collected yet.
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        40n * UNIT,
        0n,
        2n * ISSUED - 40n * UNIT,
        giftAmount - 2n * ISSUED,
        0n,
        40n * UNIT,
        0n,
      ]);
      expect((await ledger.gift(giftId)).paid).to.equal(40n * UNIT);
      // Pull payment: the vendor is credited and the tokens stay in the ledger until it collects.
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor2.address)).to.equal(0n);
      expect(await token.balanceOf(vendor.address)).to.equal(vendorBefore);
      expect(await token.balanceOf(ledgerAddress)).to.equal(ledgerBefore);
      // No redemption record: the nonce's bit is set in the coverage record and the receipt has no dispute.
      expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(1n);
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(receiptNonceOf(period, 1));
      expect(await ledger.disputeStatus(redemptionId)).to.equal(DisputeStatus.None);
      // The ledger holds given - refunded - collected: the vendor's credit is still in it.
      await expectEscrowBalanced(ledger);
    });

    it("returns the receipt's EIP-712 digest as the redemption id", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const expected = ethers.TypedDataEncoder.hash(await receiptDomain(ledger), RECEIPT_TYPES, receipt);
      expect(await ledger.receiptDigest(receipt)).to.equal(expected);
      const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      expect(await ledger.connect(vendor).redeem.staticCall(receipt, signature, "0x")).to.equal(expected);
    });

    it("redeems in parts down to zero, then reverts with EntitlementInsufficient", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, households, period } = world;
      const [h1] = households;
      for (const amount of [30n * UNIT, 30n * UNIT, 40n * UNIT]) {
        await redeemSigned(ledger, vendor, h1.members[0].wallet, await h1Receipt(world, amount));
      }
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([ISSUED, ISSUED]);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(0);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(ISSUED);
      const last = await h1Receipt(world, 1n);
      expect(last.nonce).to.equal(receiptNonceOf(period, 3));
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, last))
        .to.be.revertedWithCustomError(ledger, "EntitlementInsufficient")
        .withArgs(0, 1);
    });

    it("reverts with EntitlementInsufficient for more than the household's remaining entitlement", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      await expect(
        redeemSigned(ledger, vendor, households[0].members[0].wallet, await h1Receipt(world, ISSUED + 1n)),
      )
        .to.be.revertedWithCustomError(ledger, "EntitlementInsufficient")
        .withArgs(ISSUED, ISSUED + 1n);
    });

    it("reverts with EntitlementInsufficient for a household the programme does not cover", async function () {
      const { ledger, vendor, programmeId, households } = await loadFixture(fixture);
      const [, , h3] = households;
      const receipt = await receiptFor(ledger, programmeId, h3.householdRef, h3.members[0], vendor, UNIT);
      await expect(redeemSigned(ledger, vendor, h3.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "EntitlementInsufficient")
        .withArgs(0, UNIT);
    });

    it("reverts with ReceiptAmountZero for a zero amount", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      await expect(
        redeemSigned(ledger, vendor, households[0].members[0].wallet, await h1Receipt(world, 0n)),
      ).to.be.revertedWithCustomError(ledger, "ReceiptAmountZero");
    });

    it("reverts with VendorMismatch when a vendor submits another vendor's receipt", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, vendor2, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      await expect(ledger.connect(vendor2).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "VendorMismatch")
        .withArgs(vendor2.address, vendor.address);
    });

    it("reverts with ProgrammeIsPaused while paused and ProgrammeHasEnded once closed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, programmeId, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ProgrammeIsPaused")
        .withArgs(programmeId);
      await ledger.connect(charity).setProgrammePaused(programmeId, false);
      const closedAt = (await (await ledger.connect(charity).closeProgramme(programmeId)).getBlock())!
        .timestamp;
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, closedAt);
    });

    it("reads the dispute status of an unknown redemption id as None", async function () {
      const { ledger } = await loadFixture(fixture);
      expect(await ledger.disputeStatus(ethers.id("nothing"))).to.equal(DisputeStatus.None);
    });

    it("reads a household's first nonce of the period as the period alone", async function () {
      const { ledger, programmeId, agentProgrammeId, households, period } = await loadFixture(fixture);
      const [h1, , h3] = households;
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(receiptNonceOf(period, 0n));
      // Uncovered households and other programmes read the same: nothing redeemed yet this period.
      expect(await ledger.receiptNonce(programmeId, h3.householdRef)).to.equal(receiptNonceOf(period, 0n));
      expect(await ledger.receiptNonce(agentProgrammeId, h1.householdRef)).to.equal(
        receiptNonceOf(period, 0n),
      );
    });

    it("reverts receiptNonce with ProgrammeUnknown for an unknown programme", async function () {
      const { ledger, households } = await loadFixture(fixture);
      await expect(ledger.receiptNonce(99, households[0].householdRef))
        .to.be.revertedWithCustomError(ledger, "ProgrammeUnknown")
        .withArgs(99);
    });
  });

  describe("replay and forgery", function () {
    it("reverts with ReceiptNonceUsed when the same receipt is redeemed twice", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      await ledger.connect(vendor).redeem(receipt, signature, "0x");
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(receiptNonceOf(period, 0));
      expect(await ledger.coverageOf(programmeId, households[0].householdRef, period)).to.deep.equal([
        ISSUED,
        10n * UNIT,
      ]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(10n * UNIT);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(10n * UNIT);
    });

    it("reverts with ReceiptSignatureInvalid for a signature made for another deployment", async function () {
      const world = await loadFixture(fixture);
      const { ledger, otherLedger, vendor, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const signatureForA = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      const recoveredByB = ethers.recoverAddress(await receiptHash(otherLedger, receipt), signatureForA);
      await expect(otherLedger.connect(vendor).redeem(receipt, signatureForA, "0x"))
        .to.be.revertedWithCustomError(otherLedger, "ReceiptSignatureInvalid")
        .withArgs(recoveredByB);
      // The same receipt signed for B is good there: only the domain was wrong.
      await expect(redeemSigned(otherLedger, vendor, households[0].members[0].wallet, receipt)).to.emit(
        otherLedger,
        "DeliveryRedeemed",
      );
    });

    it("reverts with ReceiptSignatureInvalid for a signature made for another chain id", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const mainnetSignature = await signReceipt(households[0].members[0].wallet, ledger, receipt, {
        chainId: 1,
      });
      const recovered = ethers.recoverAddress(await receiptHash(ledger, receipt), mainnetSignature);
      expect(recovered).to.not.equal(households[0].members[0].wallet.address);
      await expect(ledger.connect(vendor).redeem(receipt, mainnetSignature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(recovered);
    });

    it("accepts a receipt at its deadline and reverts with ReceiptExpired after it", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, period } = world;
      const wallet = households[0].members[0].wallet;
      const deadline = BigInt((await time.latest()) + 3600);
      const onTime = await h1Receipt(world, 10n * UNIT, { deadline });
      // The late receipt carries the household's next unused nonce: only its deadline is wrong.
      const late = await h1Receipt(world, 10n * UNIT, { deadline, nonce: receiptNonceOf(period, 1) });
      const [onTimeSignature, lateSignature] = [
        await signReceipt(wallet, ledger, onTime),
        await signReceipt(wallet, ledger, late),
      ];
      await time.setNextBlockTimestamp(deadline);
      await expect(ledger.connect(vendor).redeem(onTime, onTimeSignature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
      expect(await ledger.receiptNonce(world.programmeId, households[0].householdRef)).to.equal(late.nonce);
      await expect(ledger.connect(vendor).redeem(late, lateSignature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptExpired")
        .withArgs(deadline);
    });

    it("reverts with ReceiptSignatureInvalid for the malleable (high-s) twin of a valid signature", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      const receipt = await h1Receipt(world, 10n * UNIT);
      const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
      const twin = malleate(signature);
      // The twin is a valid secp256k1 signature of the same digest by the same key: the bare ecrecover
      // precompile accepts it, so only the contract's low-s rule can refuse it.
      const [r, highS, v] = [
        ethers.dataSlice(twin, 0, 32),
        ethers.dataSlice(twin, 32, 64),
        ethers.dataSlice(twin, 64),
      ];
      const recovered = await ethers.provider.call({
        to: ECRECOVER_PRECOMPILE,
        data: ethers.concat([await receiptHash(ledger, receipt), ethers.zeroPadValue(v, 32), r, highS]),
      });
      expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(
        households[0].members[0].wallet.address,
      );
      await expect(ledger.connect(vendor).redeem(receipt, twin, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
    });

    for (const [label, bytes] of [
      ["an empty", "0x"],
      ["a 64-byte", ethers.hexlify(new Uint8Array(64).fill(1))],
    ] as const) {
      it(`reverts with ReceiptSignatureInvalid for ${label} signature`, async function () {
        const world = await loadFixture(fixture);
        const receipt = await h1Receipt(world, 10n * UNIT);
        await expect(world.ledger.connect(world.vendor).redeem(receipt, bytes, "0x"))
          .to.be.revertedWithCustomError(world.ledger, "ReceiptSignatureInvalid")
          .withArgs(ethers.ZeroAddress);
      });
    }

    for (const field of ["amount", "vendor", "evidenceHash", "nonce", "deadline", "householdRef"] as const) {
      it(`reverts with ReceiptSignatureInvalid when the signed receipt's ${field} is changed`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, vendor2, households } = world;
        const receipt = await h1Receipt(world, 10n * UNIT);
        const signature = await signReceipt(households[0].members[0].wallet, ledger, receipt);
        const changes: Partial<Receipt> = {
          amount: { amount: 11n * UNIT },
          vendor: { vendor: vendor2.address },
          evidenceHash: { evidenceHash: ethers.id("another photo") },
          nonce: { nonce: 1n },
          deadline: { deadline: receipt.deadline + 1n },
          householdRef: { householdRef: households[1].householdRef },
        }[field];
        const tampered = { ...receipt, ...changes };
        const submitter = tampered.vendor === vendor2.address ? vendor2 : vendor;
        const recovered = ethers.recoverAddress(await receiptHash(ledger, tampered), signature);
        await expect(ledger.connect(submitter).redeem(tampered, signature, "0x"))
          .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
          .withArgs(recovered);
        await expect(ledger.connect(vendor).redeem(receipt, signature, "0x")).to.emit(
          ledger,
          "DeliveryRedeemed",
        );
      });
    }
  });

  describe("receipt nonce", function () {
    it("redeems two receipts of one household, each using its own nonce bit", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const [h1] = households;
      const first = await h1Receipt(world, 10n * UNIT);
      expect(first.nonce).to.equal(receiptNonceOf(period, 0));
      await redeemSigned(ledger, vendor, h1.members[0].wallet, first);
      // The same delivery again is a new receipt only under another nonce.
      const second = await h1Receipt(world, 10n * UNIT);
      expect(second.nonce).to.equal(receiptNonceOf(period, 1));
      const secondId = await receiptHash(ledger, second);
      expect(secondId).to.not.equal(await receiptHash(ledger, first));
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, second))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          secondId,
          programmeId,
          h1.householdRef,
          h1.members[0].beneficiaryRef,
          vendor.address,
          10n * UNIT,
          second.evidenceHash,
          ethers.ZeroAddress,
        );
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        20n * UNIT,
      ]);
      expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(0b11n);
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(receiptNonceOf(period, 2));
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(20n * UNIT);
    });

    it("keeps a household's receipts independent: one held back still redeems after a later one", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, vendor2, households, programmeId, period } = world;
      const [h1] = households;
      const [first, second] = h1.members;
      // An offline vendor holds the first receipt; the household shops again elsewhere under the next nonce.
      const heldBack = await h1Receipt(world, 40n * UNIT, { nonce: receiptNonceOf(period, 0) });
      const later = await receiptFor(ledger, programmeId, h1.householdRef, second, vendor2, 10n * UNIT, {
        nonce: receiptNonceOf(period, 1),
      });
      await redeemSigned(ledger, vendor2, second.wallet, later);
      await expect(redeemSigned(ledger, vendor, first.wallet, heldBack)).to.emit(ledger, "DeliveryRedeemed");
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        50n * UNIT,
      ]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor2.address)).to.equal(10n * UNIT);
    });

    it("accepts unused nonces in any order", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const [h1] = households;
      for (const index of [31, 5]) {
        const receipt = await h1Receipt(world, UNIT, { nonce: receiptNonceOf(period, index) });
        await redeemSigned(ledger, vendor, h1.members[0].wallet, receipt);
      }
      expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(
        (1n << 31n) | (1n << 5n),
      );
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(receiptNonceOf(period, 0));
    });

    it("keeps each household's nonces apart: another household's redemption does not use them", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const [h1, h2] = households;
      const h1First = await h1Receipt(world, 10n * UNIT);
      await redeemSigned(
        ledger,
        vendor,
        h2.members[0].wallet,
        await receiptFor(ledger, programmeId, h2.householdRef, h2.members[0], vendor, 30n * UNIT),
      );
      expect(await ledger.receiptNoncesUsed(programmeId, h2.householdRef, period)).to.equal(1n);
      expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(0n);
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(h1First.nonce);
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, h1First)).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
    });

    it("reverts with ReceiptNonceUsed for a second receipt the household signed under a used nonce", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const [h1] = households;
      const [first, second] = h1.members;
      // Both members sign under the same nonce; the second member's delivery is redeemed first.
      const twin = await h1Receipt(world, 10n * UNIT);
      const secondReceipt = await receiptFor(
        ledger,
        programmeId,
        h1.householdRef,
        second,
        vendor,
        25n * UNIT,
      );
      expect(secondReceipt.nonce).to.equal(twin.nonce);
      await redeemSigned(ledger, vendor, second.wallet, secondReceipt);

      await expect(redeemSigned(ledger, vendor, first.wallet, twin))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(receiptNonceOf(period, 0));
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        25n * UNIT,
      ]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(25n * UNIT);
      // Signed again under an unused nonce, the same delivery goes through.
      await expect(redeemSigned(ledger, vendor, first.wallet, await h1Receipt(world, 10n * UNIT))).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(35n * UNIT);
    });

    it("reverts with ReceiptNonceInvalid for a nonce of the previous period once the period has turned", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, households, programmeId, period } = world;
      const [h1] = households;
      // Valid for two periods, so only the nonce can refuse it after the turn.
      const receipt = await h1Receipt(world, 10n * UNIT, {
        deadline: BigInt((await time.latest()) + 2 * PERIOD),
      });
      expect(receipt.nonce).to.equal(receiptNonceOf(period, 0));
      const signature = await signReceipt(h1.members[0].wallet, ledger, receipt);

      await time.increase(PERIOD);
      const next = period + 1n;
      expect(await ledger.currentPeriod(programmeId)).to.equal(next);
      // The household is covered again in the new period, with nothing redeemed: only the period differs.
      await issueTo(ledger, charity, programmeId, [h1], ISSUED);
      expect(await ledger.receiptNonce(programmeId, h1.householdRef)).to.equal(receiptNonceOf(next, 0));
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceInvalid")
        .withArgs(receiptNonceOf(period, 0));
      expect(await ledger.coverageOf(programmeId, h1.householdRef, next)).to.deep.equal([ISSUED, 0n]);

      const current = await h1Receipt(world, 10n * UNIT);
      expect(current.nonce).to.equal(receiptNonceOf(next, 0));
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, current)).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
      expect(await ledger.coverageOf(programmeId, h1.householdRef, next)).to.deep.equal([ISSUED, 10n * UNIT]);
    });

    for (const [label, nonceOf] of [
      ["a nonce of the next period", (period: bigint) => receiptNonceOf(period + 1n, 0)],
      ["index RECEIPT_NONCES_PER_PERIOD (32)", (period: bigint) => receiptNonceOf(period, 32)],
      ["index 255", (period: bigint) => receiptNonceOf(period, 255)],
    ] as const) {
      it(`reverts with ReceiptNonceInvalid for ${label}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, households, programmeId, period } = world;
        const [h1] = households;
        const receipt = await h1Receipt(world, 10n * UNIT, { nonce: nonceOf(period) });
        await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt))
          .to.be.revertedWithCustomError(ledger, "ReceiptNonceInvalid")
          .withArgs(nonceOf(period));
        expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([ISSUED, 0n]);
        expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(0n);
        expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
      });
    }

    it("allows RECEIPT_NONCES_PER_PERIOD redemptions per period, then reports the nonces exhausted", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, programmeId, period } = world;
      const [h1] = households;
      expect(await ledger.RECEIPT_NONCES_PER_PERIOD()).to.equal(32n);
      for (let i = 0; i < 32; i++) {
        await redeemSigned(ledger, vendor, h1.members[0].wallet, await h1Receipt(world, UNIT));
      }
      expect(await ledger.receiptNoncesUsed(programmeId, h1.householdRef, period)).to.equal(0xffffffffn);
      await expect(ledger.receiptNonce(programmeId, h1.householdRef))
        .to.be.revertedWithCustomError(ledger, "ReceiptNoncesExhausted")
        .withArgs(programmeId, h1.householdRef, period);
      const again = await h1Receipt(world, UNIT, { nonce: receiptNonceOf(period, 17) });
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, again))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(receiptNonceOf(period, 17));
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        32n * UNIT,
      ]);
    });

    it("checks the nonce after the signature and before the remaining entitlement", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households, period } = world;
      const [h1, h2] = households;
      const invalidNonce = receiptNonceOf(period + 1n, 0);
      // A bad signature is reported first, even with an invalid nonce.
      const unsigned = await h1Receipt(world, 10n * UNIT, { nonce: invalidNonce });
      await expect(redeemSigned(ledger, vendor, h2.members[0].wallet, unsigned))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(h2.members[0].wallet.address);
      // An invalid nonce, then a used one, are reported before an amount over the household's entitlement.
      const oversized = await h1Receipt(world, ISSUED + 1n, { nonce: invalidNonce });
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, oversized))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceInvalid")
        .withArgs(invalidNonce);
      await redeemSigned(ledger, vendor, h1.members[0].wallet, await h1Receipt(world, UNIT));
      const oversizedUsed = await h1Receipt(world, ISSUED, { nonce: receiptNonceOf(period, 0) });
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, oversizedUsed))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(receiptNonceOf(period, 0));
    });
  });

  describe("who may sign", function () {
    it("accepts another member's wallet for that member's own ref, against the shared household entitlement", async function () {
      const { ledger, vendor, programmeId, households, period } = await loadFixture(fixture);
      const [h1] = households;
      const second = h1.members[1];
      const receipt = await receiptFor(ledger, programmeId, h1.householdRef, second, vendor, 25n * UNIT);
      await expect(redeemSigned(ledger, vendor, second.wallet, receipt))
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          vendor.address,
          householdAccountOf(h1.householdRef),
          ethers.ZeroAddress,
          entitlementIdOf(programmeId, period),
          25n * UNIT,
        );
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        25n * UNIT,
      ]);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(75n * UNIT);
    });

    it("reverts with ReceiptSignatureInvalid when a member signs for another member's ref", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      const second = households[0].members[1];
      await expect(redeemSigned(ledger, vendor, second.wallet, await h1Receipt(world, 10n * UNIT)))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(second.wallet.address);
    });

    it("reverts with ReceiptSignatureInvalid for a wallet of another household", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, households } = world;
      const outsider = households[1].members[0].wallet;
      await expect(redeemSigned(ledger, vendor, outsider, await h1Receipt(world, 10n * UNIT)))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(outsider.address);
    });

    it("reverts with ReceiptSignatureInvalid for a beneficiary named with a household not theirs", async function () {
      const { ledger, vendor, programmeId, households } = await loadFixture(fixture);
      const [h1, h2] = households;
      // Household 2 is covered, but household 1's member is not one of its members.
      const receipt = await receiptFor(
        ledger,
        programmeId,
        h2.householdRef,
        h1.members[0],
        vendor,
        10n * UNIT,
      );
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(h1.members[0].wallet.address);
    });

    it("reverts with ReceiptSignatureInvalid for a suspended beneficiary", async function () {
      const { ledger, registry, registrar, vendor, programmeId, households } = await loadFixture(fixture);
      const [, h2] = households;
      const member = h2.members[0];
      await registry.connect(registrar).setStatus(member.beneficiaryRef, BeneficiaryStatus.Suspended);
      const receipt = await receiptFor(ledger, programmeId, h2.householdRef, member, vendor, 10n * UNIT);
      await expect(redeemSigned(ledger, vendor, member.wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(member.wallet.address);
    });

    it("follows a compromised-wallet rebind: the old wallet is refused and the new one redeems the same entitlement", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor, programmeId, households, spareWallets, period } = world;
      const [h1] = households;
      const member = h1.members[0];
      const [newWallet] = spareWallets;
      await redeemSigned(ledger, vendor, member.wallet, await h1Receipt(world, 10n * UNIT));
      // A lost-wallet rebind would leave the old wallet a grace (receiptSigners.test.ts); a stolen one has none.
      await registry
        .connect(registrar)
        .rebindWalletCompromised(member.beneficiaryRef, newWallet.address, ethers.id("stolen"));

      // The household's account holds the balance; the rebind moved nothing.
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(90n * UNIT);

      const receipt = await h1Receipt(world, 30n * UNIT);
      await expect(redeemSigned(ledger, vendor, member.wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(member.wallet.address);
      await expect(redeemSigned(ledger, vendor, newWallet, receipt))
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          vendor.address,
          householdAccountOf(h1.householdRef),
          ethers.ZeroAddress,
          entitlementIdOf(programmeId, period),
          30n * UNIT,
        );
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([
        ISSUED,
        40n * UNIT,
      ]);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(60n * UNIT);
    });
  });

  describe("field agent co-signature", function () {
    it("records a licensed field agent's co-signature in DeliveryRedeemed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, fieldAgent, agentProgrammeId, households } = world;
      const [h1] = households;
      const member = h1.members[0];
      const receipt = await receiptFor(ledger, agentProgrammeId, h1.householdRef, member, vendor, 20n * UNIT);
      const agentSignature = await signReceipt(fieldAgent, ledger, receipt);
      await expect(redeemSigned(ledger, vendor, member.wallet, receipt, agentSignature))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, receipt),
          agentProgrammeId,
          h1.householdRef,
          member.beneficiaryRef,
          vendor.address,
          20n * UNIT,
          receipt.evidenceHash,
          fieldAgent.address,
        );
    });

    it("accepts an optional co-signature where the programme does not require one", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, fieldAgent, households } = world;
      const receipt = await h1Receipt(world, 20n * UNIT);
      const agentSignature = await signReceipt(fieldAgent, ledger, receipt);
      const [h1] = households;
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt, agentSignature))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, receipt),
          world.programmeId,
          h1.householdRef,
          h1.members[0].beneficiaryRef,
          vendor.address,
          20n * UNIT,
          receipt.evidenceHash,
          fieldAgent.address,
        );
    });

    it("reverts with FieldAgentRequired without a co-signature where the programme requires one", async function () {
      const { ledger, vendor, agentProgrammeId, households } = await loadFixture(fixture);
      const [h1] = households;
      const receipt = await receiptFor(
        ledger,
        agentProgrammeId,
        h1.householdRef,
        h1.members[0],
        vendor,
        20n * UNIT,
      );
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "FieldAgentRequired")
        .withArgs(agentProgrammeId);
    });

    for (const signerName of ["stranger", "vendor", "auditor"] as const) {
      it(`reverts with FieldAgentInvalid for a co-signature by an unlicensed ${signerName}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, agentProgrammeId, households } = world;
        const [h1] = households;
        const receipt = await receiptFor(
          ledger,
          agentProgrammeId,
          h1.householdRef,
          h1.members[0],
          vendor,
          20n * UNIT,
        );
        const coSigner = world[signerName];
        await expect(
          redeemSigned(
            ledger,
            vendor,
            h1.members[0].wallet,
            receipt,
            await signReceipt(coSigner, ledger, receipt),
          ),
        )
          .to.be.revertedWithCustomError(ledger, "FieldAgentInvalid")
          .withArgs(coSigner.address);
      });
    }

    it("reverts with FieldAgentInvalid when the field agent's licence is suspended", async function () {
      const { ledger, licences, regulator, vendor, fieldAgent, agentProgrammeId, households } =
        await loadFixture(fixture);
      const [h1] = households;
      await licences
        .connect(regulator)
        .suspendLicence(fieldAgent.address, LicenceKind.FieldAgent, ethers.ZeroHash);
      const receipt = await receiptFor(
        ledger,
        agentProgrammeId,
        h1.householdRef,
        h1.members[0],
        vendor,
        20n * UNIT,
      );
      await expect(
        redeemSigned(
          ledger,
          vendor,
          h1.members[0].wallet,
          receipt,
          await signReceipt(fieldAgent, ledger, receipt),
        ),
      )
        .to.be.revertedWithCustomError(ledger, "FieldAgentInvalid")
        .withArgs(fieldAgent.address);
    });

    it("reverts with FieldAgentInvalid for a co-signature of another receipt or a malformed one", async function () {
      const { ledger, vendor, fieldAgent, agentProgrammeId, households } = await loadFixture(fixture);
      const [h1] = households;
      const receipt = await receiptFor(
        ledger,
        agentProgrammeId,
        h1.householdRef,
        h1.members[0],
        vendor,
        20n * UNIT,
      );
      const otherReceipt = { ...receipt, amount: 21n * UNIT };
      const wrongSignature = await signReceipt(fieldAgent, ledger, otherReceipt);
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt, wrongSignature))
        .to.be.revertedWithCustomError(ledger, "FieldAgentInvalid")
        .withArgs(ethers.recoverAddress(await receiptHash(ledger, receipt), wrongSignature));
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt, "0x1234"))
        .to.be.revertedWithCustomError(ledger, "FieldAgentInvalid")
        .withArgs(ethers.ZeroAddress);
      const agentSignature = await signReceipt(fieldAgent, ledger, receipt);
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt, malleate(agentSignature)))
        .to.be.revertedWithCustomError(ledger, "FieldAgentInvalid")
        .withArgs(ethers.ZeroAddress);
    });
  });

  it("keeps the escrow balanced across redemptions in two programmes, holding the credit until collected", async function () {
    const world = await loadFixture(fixture);
    const { ledger, token, vendor, fieldAgent, agentProgrammeId, households, programmeId, giftAmount } =
      world;
    const [h1, h2] = households;
    const ledgerAddress = await ledger.getAddress();
    const heldBefore = await token.balanceOf(ledgerAddress);
    expect(heldBefore).to.equal(giftAmount + 500n * UNIT);
    await redeemSigned(ledger, vendor, h1.members[0].wallet, await h1Receipt(world, 35n * UNIT));
    await redeemSigned(
      ledger,
      vendor,
      h2.members[0].wallet,
      await receiptFor(ledger, programmeId, h2.householdRef, h2.members[0], vendor, 65n * UNIT),
    );
    const agentReceipt = await receiptFor(
      ledger,
      agentProgrammeId,
      h1.householdRef,
      h1.members[0],
      vendor,
      50n * UNIT,
    );
    await redeemSigned(
      ledger,
      vendor,
      h1.members[0].wallet,
      agentReceipt,
      await signReceipt(fieldAgent, ledger, agentReceipt),
    );
    expect((await ledger.fundsOf(programmeId)).paid).to.equal(100n * UNIT);
    expect((await ledger.fundsOf(agentProgrammeId)).paid).to.equal(50n * UNIT);
    expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(100n * UNIT);
    expect(await ledger.owedTo(agentProgrammeId, vendor.address)).to.equal(50n * UNIT);
    // Nothing left the ledger: it holds given - refunded - collected, and nothing was collected.
    expect(await token.balanceOf(ledgerAddress)).to.equal(heldBefore);
    await expectEscrowBalanced(ledger);

    await passDisputeWindows();
    await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
    await ledger.connect(vendor).collectSettlement(agentProgrammeId, ethers.ZeroAddress);
    expect(await token.balanceOf(ledgerAddress)).to.equal(heldBefore - 150n * UNIT);
    await expectEscrowBalanced(ledger);
  });
});
