import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  batchWorld,
  ISSUED,
  ledgerLogs,
  maskOf,
  expectedRefusal,
  refusalsOf,
  signedReceipt,
  type BatchWorld,
  type SignedReceipt,
} from "../helpers/batch";
import {
  entitlementIdOf,
  expectEscrowBalanced,
  giftSpentLogs,
  householdAccountOf,
  malleate,
  receiptHash,
} from "../helpers/ledger";
import { UNIT } from "../helpers/system";

/** Bigints as strings, so whole read-outs compare with deep equality. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

/** Everything the ledger says about the programme, its vendor, its gifts and the batch's households. */
async function ledgerState(world: BatchWorld): Promise<unknown> {
  const { ledger, programmeId, vendor, members, period } = world;
  const households = [];
  for (const m of members) {
    households.push([
      await ledger.coverageOf(programmeId, m.householdRef, period),
      await ledger.receiptNoncesUsed(programmeId, m.householdRef, period),
      await ledger.balanceOf(householdAccountOf(m.householdRef), entitlementIdOf(programmeId, period)),
    ]);
  }
  const gifts = [];
  for (let giftId = 1n; giftId <= (await ledger.giftCount()); giftId++) gifts.push(await ledger.gift(giftId));
  return plain({
    funds: await ledger.fundsOf(programmeId),
    credit: await ledger.creditOf(programmeId, vendor.address),
    owed: await ledger.owedTo(programmeId, vendor.address),
    households,
    gifts,
  });
}

describe("AidLedger: redeemBatch, many receipts in one transaction", function () {
  describe("a batch of good receipts", function () {
    for (const size of [1, 50]) {
      it(`leaves the same state and the same events as ${size} single redeem${size === 1 ? "" : "s"}`, async function () {
        const world = await loadFixture(batchWorld);
        const { ledger, vendor } = world;
        const items = world.items.slice(0, size);
        const singleLogs = [];
        for (const item of items) {
          const tx = await ledger
            .connect(vendor)
            .redeem(item.receipt, item.beneficiarySignature, item.fieldAgentSignature);
          singleLogs.push(...(await ledgerLogs(ledger, tx)));
        }
        const afterSingles = await ledgerState(world);

        const again = await loadFixture(batchWorld);
        expect(await again.ledger.connect(vendor).redeemBatch.staticCall(items)).to.equal(
          maskOf(items.map((_, i) => i)),
        );
        const tx = await again.ledger.connect(vendor).redeemBatch(items);
        expect(await ledgerLogs(again.ledger, tx)).to.deep.equal(singleLogs);
        expect(await ledgerState(again)).to.deep.equal(afterSingles);
        // Each receipt's burn, redemption and lots, in that order, as a single redeem emits them.
        expect(singleLogs.length).to.be.at.least(3 * size);
        await expectEscrowBalanced(again.ledger);
      });
    }

    it("attributes every receipt to gift lots in FIFO order, splitting a receipt across two lots", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId } = world;
      const items = world.items.slice(0, 5);
      const tx = await ledger.connect(vendor).redeemBatch(items);
      const ids = await Promise.all(items.map((item) => receiptHash(ledger, item.receipt)));
      // Lots of 50 and receipts of 30: gift 1 | gifts 1 and 2 | gift 2 | gifts 2 and 3 | gift 3, which it empties.
      const expected = [
        [1n, 30n, 0],
        [1n, 20n, 1],
        [2n, 10n, 1],
        [2n, 30n, 2],
        [2n, 10n, 3],
        [3n, 20n, 3],
        [3n, 30n, 4],
      ].map(([giftId, units, item]) => ({
        giftId,
        programmeId,
        amount: BigInt(units) * UNIT,
        kind: 0n,
        ref: ids[Number(item)],
      }));
      expect(await giftSpentLogs(ledger, tx)).to.deep.equal(expected);
      expect((await ledger.gift(3n)).paid).to.equal(50n * UNIT);
      expect((await ledger.gift(4n)).paid).to.equal(0n);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(5n * AMOUNT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(5n * AMOUNT);
    });

    it("burns as the vendor: TransferSingle names the caller as operator, as redeem does", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId, period, members } = world;
      await expect(ledger.connect(vendor).redeemBatch(world.items.slice(0, 1)))
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          vendor.address,
          householdAccountOf(members[0].householdRef),
          ethers.ZeroAddress,
          entitlementIdOf(programmeId, period),
          AMOUNT,
        );
    });
  });

  describe("a batch with bad receipts", function () {
    /**
     * Items 0, 3 and 8 are good; the others are refused, each for its own reason: a receipt redeemed before,
     * an expired one, one signed by another household's wallet, one naming another vendor, one above the
     * household's entitlement, the malleable twin of a good signature, and item 0 a second time.
     */
    async function mixedBatch(world: BatchWorld) {
      const { ledger, vendor, vendor2, members, items } = world;
      await ledger
        .connect(vendor)
        .redeem(items[1].receipt, items[1].beneficiarySignature, items[1].fieldAgentSignature);
      const expired = await signedReceipt(world, members[2], { receipt: { deadline: 1000n } });
      const wrongSigner = await signedReceipt(world, members[4], { signer: members[40].wallet });
      const wrongVendor = await signedReceipt(world, members[5], { vendor: vendor2 });
      const overCap = await signedReceipt(world, members[6], { amount: ISSUED + 1n });
      const twin: SignedReceipt = {
        ...items[7],
        beneficiarySignature: malleate(items[7].beneficiarySignature),
      };
      const batch = [
        items[0],
        items[1],
        expired,
        items[3],
        wrongSigner,
        wrongVendor,
        overCap,
        twin,
        items[8],
        items[0],
      ];
      const refusals = await Promise.all([
        expectedRefusal(ledger, batch[1], vendor, 1, "ReceiptNonceUsed", [batch[1].receipt.nonce]),
        expectedRefusal(ledger, batch[2], vendor, 2, "ReceiptExpired", [1000n]),
        expectedRefusal(ledger, batch[4], vendor, 4, "ReceiptSignatureInvalid", [members[40].wallet.address]),
        expectedRefusal(ledger, batch[5], vendor, 5, "VendorMismatch", [vendor.address, vendor2.address]),
        expectedRefusal(ledger, batch[6], vendor, 6, "EntitlementInsufficient", [ISSUED, ISSUED + 1n]),
        expectedRefusal(ledger, batch[7], vendor, 7, "ReceiptSignatureInvalid", [ethers.ZeroAddress]),
        expectedRefusal(ledger, batch[9], vendor, 9, "ReceiptNonceUsed", [batch[9].receipt.nonce]),
      ]);
      return { batch, refusals };
    }

    it("redeems the good receipts and refuses each bad one with redeem's own error", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId } = world;
      const { batch, refusals } = await mixedBatch(world);
      expect(await ledger.connect(vendor).redeemBatch.staticCall(batch)).to.equal(maskOf([0, 3, 8]));
      const paidBefore = (await ledger.fundsOf(programmeId)).paid;
      const tx = await ledger.connect(vendor).redeemBatch(batch);
      expect(await refusalsOf(ledger, tx)).to.deep.equal(refusals);
      const redeemed = (await tx.wait())!.logs
        .map((log) => ledger.interface.parseLog(log))
        .filter((parsed) => parsed?.name === "DeliveryRedeemed")
        .map((parsed) => parsed!.args.redemptionId as string);
      expect(redeemed).to.deep.equal(
        await Promise.all([0, 3, 8].map((i) => receiptHash(ledger, batch[i].receipt))),
      );
      expect((await ledger.fundsOf(programmeId)).paid - paidBefore).to.equal(3n * AMOUNT);
      await expectEscrowBalanced(ledger);
    });

    it("leaves every refused receipt's household as it was, free to redeem a good receipt afterwards", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId, period, members } = world;
      const { batch } = await mixedBatch(world);
      await ledger.connect(vendor).redeemBatch(batch);
      for (const i of [2, 4, 5, 6, 7]) {
        const { householdRef } = members[i];
        expect(await ledger.receiptNoncesUsed(programmeId, householdRef, period), `household ${i}`).to.equal(
          0,
        );
        expect(await ledger.coverageOf(programmeId, householdRef, period)).to.deep.equal([ISSUED, 0n]);
      }
      // The twin's household redeems the receipt with its original, low-s signature.
      await expect(ledger.connect(vendor).redeemBatch([world.items[7]]))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, world.items[7].receipt),
          programmeId,
          members[7].householdRef,
          members[7].beneficiaryRef,
          vendor.address,
          AMOUNT,
          world.items[7].receipt.evidenceHash,
          ethers.ZeroAddress,
        );
    });

    it("redeems the same receipt once when it is twice in one batch", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId, items } = world;
      const tx = await ledger.connect(vendor).redeemBatch([items[0], items[0]]);
      expect(await refusalsOf(ledger, tx)).to.deep.equal([
        await expectedRefusal(ledger, items[0], vendor, 1, "ReceiptNonceUsed", [items[0].receipt.nonce]),
      ]);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(AMOUNT);
      expect((await giftSpentLogs(ledger, tx)).length).to.equal(1);
    });

    it("returns a zero mask and changes nothing when every receipt is refused", async function () {
      const world = await loadFixture(batchWorld);
      const { ledger, vendor, programmeId, items } = world;
      const expired = await Promise.all(
        world.members.slice(0, 3).map((m) => signedReceipt(world, m, { receipt: { deadline: 1000n } })),
      );
      expect(await ledger.connect(vendor).redeemBatch.staticCall(expired)).to.equal(0n);
      const before = await ledgerState(world);
      const tx = await ledger.connect(vendor).redeemBatch(expired);
      expect((await refusalsOf(ledger, tx)).map((r) => r.index)).to.deep.equal([0n, 1n, 2n]);
      expect(await ledgerState(world)).to.deep.equal(before);
      await expect(tx).to.not.emit(ledger, "DeliveryRedeemed");
      expect(items.length).to.be.greaterThan(0);
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(0n);
    });
  });

  describe("the batch's size and gas", function () {
    it("reverts with RedemptionBatchSizeInvalid for an empty batch or one above MAX_REDEEM_BATCH", async function () {
      const { ledger, vendor, items } = await loadFixture(batchWorld);
      const max = await ledger.MAX_REDEEM_BATCH();
      expect(max).to.equal(256n);
      await expect(ledger.connect(vendor).redeemBatch([]))
        .to.be.revertedWithCustomError(ledger, "RedemptionBatchSizeInvalid")
        .withArgs(0, max);
      const tooMany = Array.from({ length: Number(max) + 1 }, (_, i) => items[i % items.length]);
      await expect(ledger.connect(vendor).redeemBatch(tooMany))
        .to.be.revertedWithCustomError(ledger, "RedemptionBatchSizeInvalid")
        .withArgs(max + 1n, max);
    });

    it("never refuses a good receipt for want of gas: short of gas the whole batch reverts", async function () {
      const { ledger, vendor, items } = await loadFixture(batchWorld);
      const batch = items.slice(0, 4);
      const needed = await ledger.connect(vendor).redeemBatch.estimateGas(batch);
      const outcomes = new Set<string>();
      for (let gasLimit = needed; gasLimit > needed - 160_000n; gasLimit -= 3_000n) {
        try {
          const mask = await ledger.connect(vendor).redeemBatch.staticCall(batch, { gasLimit });
          expect(mask, `success at ${gasLimit} gas`).to.equal(maskOf([0, 1, 2, 3]));
          outcomes.add("redeemed all");
        } catch (error) {
          // Hardhat reports an out-of-gas revert's empty data inside an object.
          const reported = (error as { data?: string | { data?: string } }).data;
          const data = typeof reported === "string" ? reported : reported?.data;
          const parsed = data && data !== "0x" ? ledger.interface.parseError(data) : null;
          expect(parsed?.name ?? "out of gas", `revert at ${gasLimit} gas`).to.be.oneOf([
            "RedemptionBatchOutOfGas",
            "out of gas",
          ]);
          outcomes.add(parsed?.name ?? "out of gas");
        }
      }
      expect([...outcomes]).to.include.members(["redeemed all", "RedemptionBatchOutOfGas"]);
    });
  });
});
