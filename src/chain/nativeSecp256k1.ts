/** What the gateway uses of libsecp256k1 (the `secp256k1` package's wrapper over its prebuilt addon). */
export interface Secp256k1Native {
  privateKeyVerify(key: Uint8Array): boolean;
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
  /** A low-s signature (r ‖ s) with the nonce of RFC 6979, and its recovery id. */
  ecdsaSign(digest: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(signature: Uint8Array, recid: number, digest: Uint8Array, compressed: boolean): Uint8Array;
}

/**
 * The native binding, or null where its prebuilt addon does not load. Loaded through `secp256k1/bindings`,
 * not the package's index, which would silently fall back to the pure-JS `elliptic` instead.
 */
export const nativeSecp256k1: Secp256k1Native | null = (() => {
  try {
    return require("secp256k1/bindings") as Secp256k1Native;
  } catch {
    return null;
  }
})();
