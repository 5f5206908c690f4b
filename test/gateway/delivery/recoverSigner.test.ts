import { expect } from "chai";
import { Signature, Wallet, getBytes, keccak256, randomBytes, recoverAddress, toBeHex } from "ethers";
import {
  nativeRecovery,
  nobleRecovery,
  recoverSigner,
  signerRecovery,
} from "../../../src/delivery/signatures/recoverSigner";

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The malleable twin of a signature: s' = n - s, v flipped. Same signer under plain ECDSA. */
function highS(signature: string): string {
  const sig = Signature.from(signature);
  const s = ORDER - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return `${sig.r}${toBeHex(s, 32).slice(2)}${v.toString(16)}`;
}

describe("delivery: recovering a receipt's signer (libsecp256k1, with @noble/curves as the fallback)", () => {
  const native = nativeRecovery();
  const noble = nobleRecovery();

  it("loads the native binding here, and uses it", () => {
    expect(native, "the prebuilt linux-x64 binding loads").to.not.equal(undefined);
    expect(signerRecovery.name).to.equal("libsecp256k1");
    expect(noble.name).to.equal("noble");
  });

  it("recovers the signer exactly as ethers does, on both paths, for 200 random keys and digests", () => {
    for (let i = 0; i < 200; i++) {
      const wallet = Wallet.createRandom();
      const digest = keccak256(randomBytes(32));
      const signature = wallet.signingKey.sign(digest).serialized;
      const expected = recoverAddress(digest, signature).toLowerCase();
      expect(expected).to.equal(wallet.address.toLowerCase());
      expect(recoverSigner(digest, signature, native!)).to.deep.equal({ address: expected });
      expect(recoverSigner(digest, signature, noble)).to.deep.equal({ address: expected });
    }
  });

  it("refuses the high-s twin of a valid signature on both paths, though plain ECDSA recovers the same signer", () => {
    const wallet = Wallet.createRandom();
    const digest = keccak256(randomBytes(32));
    const twin = highS(wallet.signingKey.sign(digest).serialized);
    // The twin is a valid ECDSA signature of the same key: only the low-s rule tells them apart.
    const twinKey = noble.recoverPublicKey(
      getBytes(digest),
      getBytes(twin).subarray(0, 64),
      Number(`0x${twin.slice(130)}`) - 27,
    );
    expect(`0x${keccak256(twinKey!.subarray(1)).slice(-40)}`).to.equal(wallet.address.toLowerCase());
    expect(recoverSigner(digest, twin, native!)).to.deep.equal({ problem: "high_s" });
    expect(recoverSigner(digest, twin, noble)).to.deep.equal({ problem: "high_s" });
  });

  it("refuses a wrong length, a bad recovery id, a zero r and an r beyond the curve order, on both paths alike", () => {
    const wallet = Wallet.createRandom();
    const digest = keccak256(randomBytes(32));
    const good = wallet.signingKey.sign(digest).serialized;
    const cases: [string, string][] = [
      [good.slice(0, 130), "length"],
      [`${good}00`, "length"],
      [`${good.slice(0, 130)}1d`, "recovery_id"],
      [`0x${"00".repeat(32)}${good.slice(66)}`, "invalid"],
      [`0x${"ff".repeat(32)}${good.slice(66)}`, "invalid"],
    ];
    for (const [signature, problem] of cases) {
      expect(recoverSigner(digest, signature, native!), problem).to.deep.equal({ problem });
      expect(recoverSigner(digest, signature, noble), problem).to.deep.equal({ problem });
    }
  });

  it("gives another address (never the signer's) for a signature over another digest, on both paths alike", () => {
    const wallet = Wallet.createRandom();
    const digest = keccak256(randomBytes(32));
    const other = keccak256(randomBytes(32));
    const signature = wallet.signingKey.sign(other).serialized;
    const a = recoverSigner(digest, signature, native!);
    const b = recoverSigner(digest, signature, noble);
    expect(a).to.deep.equal(b);
    if ("address" in a) expect(a.address).to.not.equal(wallet.address.toLowerCase());
  });
});
