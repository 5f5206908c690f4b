import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeRedeemBatch, MAX_REDEEM_BATCH, redeemBatchOutcomes } from "../../../src/chain/redeemBatch";
import { contractInterfaces } from "../../../src/main/contractInterfaces";
import { batchWorld, signedReceipt } from "../../contracts/helpers/batch";
import { receiptHash } from "../../contracts/helpers/ledger";

describe("chain: redeemBatch calldata and per-item outcomes", function () {
  it("encodes a batch the ledger runs, and reads each item's outcome from the mined logs", async function () {
    const world = await loadFixture(batchWorld);
    const { ledger, vendor, vendor2, members, items } = world;
    const wrongVendor = await signedReceipt(world, members[3], { vendor: vendor2 });
    const batch = [items[0], wrongVendor, items[1], items[0]];
    const ledgerAddress = await ledger.getAddress();
    const tx = await vendor.sendTransaction({
      to: ledgerAddress,
      data: encodeRedeemBatch(ledger.interface, batch),
    });
    const mined = (await tx.wait())!;
    const ids = await Promise.all(batch.map((item) => receiptHash(ledger, item.receipt)));
    expect(
      redeemBatchOutcomes(ledger.interface, ledgerAddress, mined, batch.length, contractInterfaces()),
    ).to.deep.equal([
      { index: 0, redeemed: true, redemptionId: ids[0] },
      {
        index: 1,
        redeemed: false,
        redemptionId: ids[1],
        error: { name: "VendorMismatch", args: [vendor.address, vendor2.address] },
      },
      { index: 2, redeemed: true, redemptionId: ids[2] },
      {
        index: 3,
        redeemed: false,
        redemptionId: ids[0],
        error: { name: "ReceiptNonceUsed", args: [String(items[0].receipt.nonce)] },
      },
    ]);
  });

  it("refuses to read a receipt whose logs do not account for every item", async function () {
    const world = await loadFixture(batchWorld);
    const { ledger, vendor, items } = world;
    const ledgerAddress = await ledger.getAddress();
    const mined = (await (await ledger.connect(vendor).redeemBatch(items.slice(0, 2))).wait())!;
    expect(() => redeemBatchOutcomes(ledger.interface, ledgerAddress, mined, 3)).to.throw(
      "2 redeemed and 0 refused of 3 items",
    );
  });

  it("matches the ledger's batch bound and encodes no empty or oversized batch", async function () {
    const { ledger, items } = await loadFixture(batchWorld);
    expect(await ledger.MAX_REDEEM_BATCH()).to.equal(BigInt(MAX_REDEEM_BATCH));
    expect(() => encodeRedeemBatch(ledger.interface, [])).to.throw(RangeError);
    const tooMany = Array.from({ length: MAX_REDEEM_BATCH + 1 }, () => items[0]);
    expect(() => encodeRedeemBatch(ledger.interface, tooMany)).to.throw(RangeError);
  });
});
