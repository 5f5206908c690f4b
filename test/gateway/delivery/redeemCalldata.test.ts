import { expect } from "chai";
import { hexlify, randomBytes, Wallet } from "ethers";
import { AidLedger__factory } from "../../../typechain-types";
import {
  batchReceiptKeys,
  encodeRedeem,
  encodeRedeemBatchCalldata,
} from "../../../src/delivery/redeemCalldata";
import { encodeRedeemBatch } from "../../../src/chain/redeemBatch";

describe("delivery: redeem calldata", () => {
  const ledger = AidLedger__factory.createInterface();
  const receipt = (n: number) => ({
    programmeId: BigInt(n + 1),
    beneficiaryRef: hexlify(randomBytes(32)),
    householdRef: hexlify(randomBytes(32)),
    vendor: Wallet.createRandom().address,
    amount: 10n ** BigInt(n % 30) + BigInt(n),
    evidenceHash: hexlify(randomBytes(32)),
    nonce: (BigInt(n) << 8n) | BigInt(n % 32),
    deadline: BigInt(1_800_000_000 + n),
  });

  it("writes exactly what ethers' ABI coder writes, with and without a field agent's signature", () => {
    for (let n = 0; n < 50; n++) {
      const beneficiarySignature = hexlify(randomBytes(65));
      const fieldAgentSignature = n % 2 === 0 ? "0x" : hexlify(randomBytes(n % 3 === 0 ? 64 : 65));
      const item = receipt(n);
      expect(encodeRedeem(ledger, item, beneficiarySignature, fieldAgentSignature)).to.equal(
        ledger.encodeFunctionData("redeem", [item, beneficiarySignature, fieldAgentSignature]),
      );
    }
  });

  it("refuses what the coder would refuse: a short reference, an odd hex string, a negative amount", () => {
    const item = receipt(1);
    const signature = hexlify(randomBytes(65));
    expect(() => encodeRedeem(ledger, { ...item, householdRef: "0x12" }, signature, "0x")).to.throw(
      TypeError,
    );
    expect(() => encodeRedeem(ledger, item, "0xabc", "0x")).to.throw(TypeError);
    expect(() => encodeRedeem(ledger, { ...item, amount: -1n }, signature, "0x")).to.throw(RangeError);
  });

  it("writes a redeemBatch exactly as ethers' coder does, and reads each receipt's key back as ethers decodes it", () => {
    for (const size of [1, 2, 7, 50]) {
      const items = Array.from({ length: size }, (_, n) => ({
        receipt: receipt(n),
        beneficiarySignature: hexlify(randomBytes(65)),
        fieldAgentSignature: n % 3 === 0 ? hexlify(randomBytes(65)) : "0x",
      }));
      const data = encodeRedeemBatchCalldata(ledger, items);
      expect(data, `batch of ${size}`).to.equal(encodeRedeemBatch(ledger, items));
      const [decoded] = ledger.decodeFunctionData("redeemBatch", data) as unknown as [
        { receipt: { programmeId: bigint; householdRef: string; nonce: bigint } }[],
      ];
      expect(batchReceiptKeys(data)).to.deep.equal(
        decoded.map(({ receipt: r }) => ({
          programmeId: Number(r.programmeId),
          householdRef: r.householdRef.toLowerCase(),
          nonce: r.nonce.toString(),
        })),
      );
    }
  });
});
