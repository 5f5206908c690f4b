import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createContext, runInContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { id, keccak256, randomBytes, toUtf8Bytes, hexlify } from "ethers";
import { MerkleTree } from "../../../src/anchoring/merkle";
import { ASSET_FILES, ASSETS_DIR } from "../../../src/web/staticAssets";
import { LANGUAGES } from "../../../src/web/i18n/format";
import { TEXT_KEYS, textOf } from "../../../src/web/i18n/texts";

interface BrowserVerify {
  rootOf(hash: string, proof: string[]): string;
  selector(signature: string): string;
  keccakHex(hex: string): string;
}

/** The pages' own scripts, run as a browser runs them (no DOM needed for the arithmetic), against ethers. */
function browserScripts(): BrowserVerify {
  const context = createContext({ TextEncoder });
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
