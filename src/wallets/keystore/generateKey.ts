import { SigningKey } from "ethers";
import { keccakBytes } from "../../audit/chain/keccak";
import { nativeSecp256k1 as native } from "../../chain/nativeSecp256k1";
import { pooledRandomBytes } from "../../identity";

export interface GeneratedKey {
  /** Lower-case 0x address. */
  address: string;
  privateKey: Buffer;
}

/** Which curve implementation makes the keys: "native" or "noble". */
export const KEY_GENERATION_BACKEND: "native" | "noble" = native ? "native" : "noble";

/**
 * The uncompressed public key of a private key: native libsecp256k1 (about 20 µs) where it loads, else
 * noble through ethers (pure JS, about a third of a millisecond). Creating 100,000 custodial wallets spent
 * 30 s of CPU in the pure-JS multiplication alone.
 */
function publicKeyOf(privateKey: Buffer): Uint8Array | string {
  if (!native) return SigningKey.computePublicKey(privateKey, false);
  if (!native.privateKeyVerify(privateKey)) throw new RangeError("not a secp256k1 scalar");
  return native.publicKeyCreate(privateKey, false);
}

/** A fresh secp256k1 key: one base-point multiplication and one Keccak-256 (the audit room's: 5 µs, ethers' 19). */
export function generateKey(): GeneratedKey {
  for (;;) {
    const privateKey = pooledRandomBytes(32);
    let publicKey: Uint8Array | string;
    try {
      publicKey = publicKeyOf(privateKey);
    } catch {
      // Zero or at least the curve order: odds of 2^-128, but such a scalar must never become a key.
      continue;
    }
    const point =
      typeof publicKey === "string" ? Buffer.from(publicKey.slice(4), "hex") : publicKey.subarray(1);
    const address = `0x${Buffer.from(keccakBytes(point).subarray(12)).toString("hex")}`;
    return { address, privateKey };
  }
}
