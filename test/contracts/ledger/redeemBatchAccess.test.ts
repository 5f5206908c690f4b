import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { TestSmartWallet__factory } from "../../../typechain-types";
import {
  AMOUNT,
  batchWorld,
  ISSUED,
  LOT,
  maskOf,
  expectedRefusal,
  refusalsOf,
  signedReceipt,
  type BatchMember,
} from "../helpers/batch";
import { expectEscrowBalanced, receiptHash } from "../helpers/ledger";
import { ROLE_NAMES } from "../helpers/roles";
import { DisputeStatus, LicenceKind, ref } from "../helpers/system";

/** Mirrors `TestSmartWallet.Mode`. */
const WalletMode = { Owner: 0, WrongMagic: 1, Reverts: 2 } as const;

describe("AidLedger: redeemBatch, who may redeem what", function () {
  /** The batch world plus a household whose member's wallet is an ERC-1271 contract, issued `ISSUED`. */
  async function fixture() {
    const world = await batchWorld();
    const { ledger, registry, registrar, charity, donor, programmeId, deployer } = world;
    const owner = world.beneficiaries[0];
    const smartWallet = await new TestSmartWallet__factory(deployer).deploy(owner.address);
    const safe = {
      beneficiaryRef: ref("beneficiary", "batch-safe"),
      householdRef: ref("household", "batch-safe"),
    };
    await registry.connect(registrar).registerBatch([{ ...safe, wallet: await smartWallet.getAddress() }]);
    await ledger.connect(donor).give(programmeId, LOT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await ledger.connect(charity).issueBatch(programmeId, [safe.beneficiaryRef], [safe.householdRef], ISSUED);
    return { ...world, owner, smartWallet, safe };
  }

  describe("the caller", function () {
    for (const role of ROLE_NAMES.filter((name) => name !== "vendor")) {
      it(`refuses every receipt with VendorMismatch when ${role} sends the vendor's receipts`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, programmeId, period, members, items } = world;
        const caller = world[role];
        const batch = items.slice(0, 2);
        expect(await ledger.connect(caller).redeemBatch.staticCall(batch)).to.equal(0n);
        const tx = await ledger.connect(caller).redeemBatch(batch);
        expect(await refusalsOf(ledger, tx)).to.deep.equal(
          await Promise.all(
            batch.map((item, i) =>
              expectedRefusal(ledger, item, caller, i, "VendorMismatch", [caller.address, vendor.address]),
            ),
          ),
        );
        expect(await ledger.receiptNoncesUsed(programmeId, members[0].householdRef, period)).to.equal(0);
        expect((await ledger.fundsOf(programmeId)).paid).to.equal(0n);
      });
    }

    it("redeems the same receipts when the vendor sends them", async function () {
      const { ledger, vendor, programmeId, items } = await loadFixture(fixture);
      expect(await ledger.connect(vendor).redeemBatch.staticCall(items.slice(0, 2))).to.equal(maskOf([0, 1]));
      await ledger.connect(vendor).redeemBatch(items.slice(0, 2));
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(2n * AMOUNT);
    });

    it("refuses with VendorUnauthorized a licensed vendor the programme does not allow", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor2, programmeId, members } = world;
      const item = await signedReceipt(world, members[0], { vendor: vendor2 });
      const tx = await ledger.connect(vendor2).redeemBatch([item]);
      expect(await refusalsOf(ledger, tx)).to.deep.equal([
        await expectedRefusal(ledger, item, vendor2, 0, "VendorUnauthorized", [programmeId, vendor2.address]),
      ]);
    });

    it("refuses with VendorUnauthorized every receipt of a vendor whose licence is suspended", async function () {
      const { ledger, licences, regulator, vendor, programmeId, items } = await loadFixture(fixture);
      await licences
        .connect(regulator)
        .suspendLicence(vendor.address, LicenceKind.Vendor, ethers.id("finding"));
      const tx = await ledger.connect(vendor).redeemBatch(items.slice(0, 2));
      expect((await refusalsOf(ledger, tx)).map((r) => [r.index, r.reason])).to.deep.equal(
        [0n, 1n].map((i) => [i, ledger.interface.getError("VendorUnauthorized")!.selector]),
      );
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(0n);
    });
  });

  describe("the programme", function () {
    it("refuses a paused programme's receipts with ProgrammeIsPaused and redeems another programme's", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, fieldAgent, programmeId, agentProgrammeId, members, items } = world;
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      const coSigned = await signedReceipt(world, members[0], {
        programmeId: agentProgrammeId,
        fieldAgent,
      });
      const batch = [items[0], coSigned, items[1]];
      const tx = await ledger.connect(vendor).redeemBatch(batch);
      expect(await refusalsOf(ledger, tx)).to.deep.equal(
        await Promise.all(
          [0, 2].map((i) => expectedRefusal(ledger, batch[i], vendor, i, "ProgrammeIsPaused", [programmeId])),
        ),
      );
      expect((await ledger.fundsOf(agentProgrammeId)).paid).to.equal(AMOUNT);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(0n);
    });

    it("checks the field agent's co-signature per receipt where the programme requires one", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, fieldAgent, stranger, agentProgrammeId, members } = world;
      const agentReceipt = (member: BatchMember, agent?: typeof fieldAgent) =>
        signedReceipt(world, member, { programmeId: agentProgrammeId, fieldAgent: agent });
      const batch = [
        await agentReceipt(members[0]),
        await agentReceipt(members[1], fieldAgent),
        await agentReceipt(members[2], stranger),
      ];
      const tx = await ledger.connect(vendor).redeemBatch(batch);
      expect(await refusalsOf(ledger, tx)).to.deep.equal([
        await expectedRefusal(ledger, batch[0], vendor, 0, "FieldAgentRequired", [agentProgrammeId]),
        await expectedRefusal(ledger, batch[2], vendor, 2, "FieldAgentInvalid", [stranger.address]),
      ]);
      await expect(tx)
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, batch[1].receipt),
          agentProgrammeId,
          members[1].householdRef,
          members[1].beneficiaryRef,
          vendor.address,
          AMOUNT,
          batch[1].receipt.evidenceHash,
          fieldAgent.address,
        );
    });
  });

  describe("the beneficiary's approval", function () {
    it("accepts an ERC-1271 wallet's approval in a batch, and refuses only that receipt when the wallet refuses", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, period, owner, smartWallet, safe, items } = world;
      const approved = await signedReceipt(world, safe, { signer: owner });
      await smartWallet.setMode(WalletMode.Reverts);
      const first = await ledger.connect(vendor).redeemBatch([approved, items[0]]);
      expect(await refusalsOf(ledger, first)).to.deep.equal([
        await expectedRefusal(ledger, approved, vendor, 0, "ReceiptSignatureInvalid", [owner.address]),
      ]);
      await smartWallet.setMode(WalletMode.Owner);
      expect(await ledger.connect(vendor).redeemBatch.staticCall([approved, items[1]])).to.equal(
        maskOf([0, 1]),
      );
      await ledger.connect(vendor).redeemBatch([approved, items[1]]);
      expect(await ledger.coverageOf(programmeId, safe.householdRef, period)).to.deep.equal([ISSUED, AMOUNT]);
    });
  });

  describe("disputes of batch-redeemed receipts", function () {
    it("lets an auditor flag and uphold one, and the beneficiary flag another, which is dismissed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, auditor, regulator, programmeId, members, items } = world;
      await ledger.connect(vendor).redeemBatch(items.slice(0, 4));
      const [upheldId, dismissedId] = await Promise.all(
        [1, 2].map((i) => receiptHash(ledger, items[i].receipt)),
      );

      await expect(ledger.connect(auditor).flagRedemption(items[1].receipt, "bafy-auditor-reason"))
        .to.emit(ledger, "SettlementHeld")
        .withArgs(upheldId, programmeId, vendor.address, AMOUNT);
      // Lots of 50, receipts of 30: item 1 took 20 of gift 1 and 10 of gift 2; the reversal un-spends LIFO.
      await expect(ledger.connect(regulator).resolveFlag(upheldId, true, "bafy-report"))
        .to.emit(ledger, "GiftSettlementReversed")
        .withArgs(3n, programmeId, 20n * 10n ** 18n, upheldId);
      expect(await ledger.disputeStatus(upheldId)).to.equal(DisputeStatus.Upheld);

      const wallet = members[2].wallet.connect(ethers.provider);
      await setBalance(wallet.address, 10n ** 18n);
      await expect(ledger.connect(wallet).flagRedemption(items[2].receipt, "bafy-not-received"))
        .to.emit(ledger, "RedemptionFlagged")
        .withArgs(dismissedId, wallet.address, "bafy-not-received");
      await ledger.connect(auditor).resolveFlag(dismissedId, false, "bafy-report");
      expect(await ledger.disputeStatus(dismissedId)).to.equal(DisputeStatus.Dismissed);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(3n * AMOUNT);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(3n * AMOUNT);
      await expectEscrowBalanced(ledger);
    });
  });
});
