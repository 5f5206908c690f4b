import { randomBytes } from "node:crypto";
import { dataSlice, keccak256, SigningKey } from "ethers";

export interface GeneratedKey {
  /** Lower-case 0x address. */
  address: string;
  privateKey: Buffer;
}

interface NativeSecp256k1 {
  privateKeyVerify(key: Uint8Array): boolean;
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
}

/** The `secp256k1` package's prebuilt binding itself, not its index, which falls back to `elliptic` silently. */
const native: NativeSecp256k1 | null = (() => {
  try {
    return require("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return null;
  }
})();

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

/** A fresh secp256k1 key: one base-point multiplication and one keccak256. */
export function generateKey(): GeneratedKey {
  for (;;) {
    const privateKey = randomBytes(32);
    let publicKey: Uint8Array | string;
    try {
      publicKey = publicKeyOf(privateKey);
    } catch {
      // Zero or at least the curve order: odds of 2^-128, but such a scalar must never become a key.
      continue;
    }
    const address = `0x${keccak256(dataSlice(publicKey, 1)).slice(-40)}`;
    return { address, privateKey };
  }
}
