import { expect } from "chai";
import { Wallet, id, keccak256 } from "ethers";
import { AidLedger__factory } from "../../../typechain-types";
import { decodeRedeemBatch } from "../../../src/audit/chain/redeemBatchCalldata";
import { domainSeparator, receiptDigest } from "../../../src/audit/chain/receiptDigest";
import { recoverReceipts } from "../../../src/audit/recovery/receiptBatch";
import { RecoveryPool } from "../../../src/audit/recovery/recoveryPool";

/** `length` bytes derived from `seed`. */
function signatureBytes(seed: number, length: number): string {
  let hex = "";
  for (let n = 0; hex.length < length * 2; n++) hex += id(`signature ${seed} ${n}`).slice(2);
  return `0x${hex.slice(0, length * 2)}`;
}

describe("audit: redeemBatch calldata read word by word, digests hashed beside the recovery", () => {
  const ledger = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  const separator = domainSeparator(31337, ledger);
  const items = Array.from({ length: 5 }, (_, i) => ({
    receipt: {
      programmeId: BigInt(i + 1),
      beneficiaryRef: id(`beneficiary ${i}`),
      householdRef: id(`household ${i}`),
      vendor: new Wallet(id(`vendor ${i}`)).address.toLowerCase(),
      amount: 10n ** 18n * BigInt(i + 3),
      evidenceHash: id(`evidence ${i}`),
      nonce: (20_000n << 8n) | BigInt(i),
      deadline: 1_900_000_000n + BigInt(i),
    },
    // Signatures of every length the ABI allows: empty, short, the usual 65 bytes, longer (ERC-1271 wallets).
    beneficiarySignature: signatureBytes(i, [0, 1, 65, 65, 97][i]!),
    fieldAgentSignature: i % 2 === 0 ? "0x" : id(`agent ${i}`) + id(`agent more ${i}`).slice(2) + "1b",
  }));
  // Item 3 is really signed, by a beneficiary and a field agent, over its own digest.
  const beneficiary = new Wallet(id("batch beneficiary"));
  const agent = new Wallet(id("batch field agent"));
  const signedDigest = receiptDigest(separator, items[3]!.receipt);
  items[3]!.beneficiarySignature = beneficiary.signingKey.sign(signedDigest).serialized;
  items[3]!.fieldAgentSignature = agent.signingKey.sign(signedDigest).serialized;

  it("agrees with the ABI decoder on every item, and the pool hashes each digest from the item's words", async () => {
    const input = AidLedger__factory.createInterface().encodeFunctionData("redeemBatch", [items]);
    const decoded = decodeRedeemBatch(input, "0xsender");
    expect(decoded).to.have.length(items.length);
    decoded.forEach(({ submitted }, i) => {
      expect(submitted.receipt).to.deep.equal(items[i]!.receipt);
      expect(submitted.beneficiarySignature).to.equal(items[i]!.beneficiarySignature.toLowerCase());
      expect(submitted.fieldAgentSignature).to.equal(items[i]!.fieldAgentSignature.toLowerCase());
      expect(submitted.sender).to.equal("0xsender");
    });
    const pool = new RecoveryPool(0);
    const evidence = await recoverReceipts(pool, separator, decoded);
    expect([...evidence.keys()]).to.deep.equal(items.map((item) => receiptDigest(separator, item.receipt)));
    const signers = [...evidence.values()].map((found) => [found.beneficiarySigner, found.fieldAgentSigner]);
    expect(signers).to.deep.equal([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
      [beneficiary.address.toLowerCase(), agent.address.toLowerCase()],
      [undefined, undefined],
    ]);
    [...evidence.values()].forEach((found, i) => {
      expect(found.submitted).to.equal(decoded[i]!.submitted);
      expect(found.householdAccount).to.equal(`0x${keccak256(items[i]!.receipt.householdRef).slice(-40)}`);
    });
    const workers = new RecoveryPool(1);
    try {
      expect(await recoverReceipts(workers, separator, decoded)).to.deep.equal(evidence);
    } finally {
      await workers.close();
    }
  });

  it("throws on calldata cut short, as the ABI decoder would", () => {
    const input = AidLedger__factory.createInterface().encodeFunctionData("redeemBatch", [items]);
    expect(() => decodeRedeemBatch(input.slice(0, input.length - 200), "0xsender")).to.throw(/out of bounds/);
  });
});
