import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createContext, runInContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { id, keccak256, randomBytes, toUtf8Bytes, hexlify, Wallet, ZeroHash } from "ethers";
import { MerkleTree } from "../../../src/anchoring/merkle";
import { deliveryReceiptDigest, type AidLedgerDomain, type DeliveryReceipt } from "../../../src/wallets";
import { AidLedger__factory } from "../../../typechain-types";
import { ASSET_FILES, ASSETS_DIR } from "../../../src/web/staticAssets";
import { LANGUAGES } from "../../../src/web/i18n/format";
import { TEXT_KEYS, textOf } from "../../../src/web/i18n/texts";

interface BrowserVerify {
  rootOf(hash: string, proof: string[]): string;
  selector(signature: string): string;
  keccakHex(hex: string): string;
  receiptDigest(domain: AidLedgerDomain, receipt: DeliveryReceipt): string;
  decodeRedemptions(
    input: string,
  ): { receipt: DeliveryReceipt; beneficiarySignature: string; fieldAgentSignature: string }[];
  decodeDomain(result: string): { name: string; version: string; chainId: bigint; verifyingContract: string };
}

const randomReceipt = (programmeId: bigint): DeliveryReceipt => ({
  programmeId,
  beneficiaryRef: hexlify(randomBytes(32)),
  householdRef: hexlify(randomBytes(32)),
  vendor: Wallet.createRandom().address.toLowerCase(),
  amount: 1_500n * 10n ** 18n,
  evidenceHash: programmeId % 2n === 0n ? ZeroHash : hexlify(randomBytes(32)),
  nonce: (20_435n << 8n) | 3n,
  deadline: 1_900_000_000n,
});

/** The pages' own scripts, run as a browser runs them (no DOM needed for the arithmetic), against ethers. */
function browserScripts(): BrowserVerify {
  const context = createContext({ TextEncoder, TextDecoder });
  for (const name of ["keccak.js", "verify.js"]) {
    runInContext(readFileSync(path.join(ASSETS_DIR, name), "utf8"), context);
  }
  return (context as unknown as { SintechVerify: BrowserVerify }).SintechVerify;
}

describe("web: the pages' static scripts", () => {
  const verify = browserScripts();

  it("hashes as ethers' keccak256 does, across block boundaries", () => {
    for (const length of [0, 1, 32, 64, 135, 136, 137, 300]) {
      const bytes = hexlify(randomBytes(length));
      expect(verify.keccakHex(bytes), `length ${length}`).to.equal(keccak256(bytes));
    }
    expect(verify.selector("anchorOf(bytes32)")).to.equal(id("anchorOf(bytes32)").slice(0, 10));
    expect(verify.keccakHex(hexlify(toUtf8Bytes("")))).to.equal(keccak256("0x"));
  });

  it("recomputes the root the gateway's Merkle tree anchors, and a tampered proof misses it", () => {
    const hashes = Array.from({ length: 7 }, () => keccak256(randomBytes(32)));
    const tree = MerkleTree.ofConfirmations(hashes);
    hashes.forEach((hash, i) => expect(verify.rootOf(hash, tree.proof(i))).to.equal(tree.root));
    const proof = tree.proof(3);
    proof[0] = keccak256(randomBytes(32));
    expect(verify.rootOf(hashes[3]!, proof)).to.not.equal(tree.root);
    expect(verify.rootOf(hashes[2]!, tree.proof(3))).to.not.equal(tree.root);
  });

  it("computes a delivery receipt's EIP-712 digest as the gateway (ethers) does, and a changed field misses it", () => {
    const domain: AidLedgerDomain = {
      name: "SinTech AidLedger",
      version: "1",
      chainId: 31_337n,
      verifyingContract: Wallet.createRandom().address.toLowerCase(),
    };
    for (const programmeId of [1n, 2n, 987_654_321n]) {
      const receipt = randomReceipt(programmeId);
      const digest = deliveryReceiptDigest(domain, receipt).toLowerCase();
      expect(verify.receiptDigest(domain, receipt)).to.equal(digest);
      expect(verify.receiptDigest(domain, { ...receipt, amount: receipt.amount + 1n })).to.not.equal(digest);
      expect(verify.receiptDigest({ ...domain, chainId: 1n }, receipt)).to.not.equal(digest);
    }
  });

  it("reads the receipts and signatures out of redeem and redeemBatch calldata as ethers' coder writes them", () => {
    const ledger = AidLedger__factory.createInterface();
    const signature = (length: number) => hexlify(randomBytes(length));
    const single = {
      receipt: randomReceipt(4n),
      beneficiarySignature: signature(65),
      fieldAgentSignature: "0x",
    };
    const decoded = verify.decodeRedemptions(
      ledger.encodeFunctionData("redeem", [
        single.receipt,
        single.beneficiarySignature,
        single.fieldAgentSignature,
      ]),
    );
    expect(decoded).to.deep.equal([single]);
    // A batch: a wallet signature, a mandate id in the signature's place, a co-signed one.
    const items = [
      { receipt: randomReceipt(5n), beneficiarySignature: signature(65), fieldAgentSignature: "0x" },
      { receipt: randomReceipt(6n), beneficiarySignature: signature(32), fieldAgentSignature: "0x" },
      { receipt: randomReceipt(7n), beneficiarySignature: signature(65), fieldAgentSignature: signature(65) },
    ];
    expect(verify.decodeRedemptions(ledger.encodeFunctionData("redeemBatch", [items]))).to.deep.equal(items);
    // Another call, or calldata cut short, holds no receipt.
    expect(
      verify.decodeRedemptions(ledger.encodeFunctionData("receiptDigest", [single.receipt])),
    ).to.deep.equal([]);
    const cut = ledger.encodeFunctionData("redeemBatch", [items]);
    expect(verify.decodeRedemptions(cut.slice(0, cut.length - 200))).to.deep.equal([]);
  });

  it("reads the ledger's EIP-5267 domain as the contract answers it", () => {
    const ledger = AidLedger__factory.createInterface();
    const verifyingContract = Wallet.createRandom().address;
    const answer = ledger.encodeFunctionResult("eip712Domain", [
      "0x0f",
      "SinTech AidLedger",
      "1",
      31_337n,
      verifyingContract,
      ZeroHash,
      [],
    ]);
    expect(verify.decodeDomain(answer)).to.deep.equal({
      name: "SinTech AidLedger",
      version: "1",
      chainId: 31_337n,
      verifyingContract: verifyingContract.toLowerCase(),
    });
  });

  it("weighs under 100 KB compressed, all scripts together", () => {
    const scripts = ASSET_FILES.filter((name) => name.endsWith(".js"));
    const total = scripts.reduce(
      (sum, name) => sum + gzipSync(readFileSync(path.join(ASSETS_DIR, name))).length,
      0,
    );
    expect(total).to.be.below(100 * 1024);
  });

  it("says every text in both languages, and differently where it is words", () => {
    for (const lang of LANGUAGES) {
      for (const key of TEXT_KEYS)
        expect(textOf(lang, key), `${lang}.${key}`).to.be.a("string").and.not.equal("");
    }
    const same = TEXT_KEYS.filter((key) => textOf("fa", key) === textOf("en", key));
    expect(same).to.deep.equal(["proof_pin"]);
  });
});
