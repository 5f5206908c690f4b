import { getBytes, hexlify, recoverAddress, Signature } from "ethers";
import { nativeRecovery, nobleRecovery, recoverSigner } from "../../../src/delivery/signatures/recoverSigner";

interface NativeSecp256k1 {
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}
// The package's index loads the native binding when it can (the bench needs signatures fast, not a fallback).
const secp256k1 = require("secp256k1") as NativeSecp256k1;

/** `r || s || v` over a 32-byte digest, as a wallet's `eth_signTypedData_v4` answers it (low s). */
export function signDigest(privateKey: string, digest: string): string {
  const { signature, recid } = secp256k1.ecdsaSign(getBytes(digest), getBytes(privateKey));
  return `${hexlify(signature)}${(27 + recid).toString(16)}`;
}

export interface RecoveryFigure {
  verifier: string;
  signatures: number;
  perSecond: number;
}

/**
 * Signer recoveries per second on this process's core, each through `recoverSigner` as an acceptance does
 * (parsing, range and high-s checks, keccak of the key): native libsecp256k1, `@noble/curves`, and ethers'
 * `recoverAddress` (pure JS) as the outside baseline. Every recovered address is checked.
 */
export function recoveryBaseline(privateKey: string, address: string, count = 2_000): RecoveryFigure[] {
  const digests = Array.from({ length: count }, (_, i) => `0x${(i + 1).toString(16).padStart(64, "0")}`);
  const signatures = digests.map((digest) => signDigest(privateKey, digest));
  const expected = address.toLowerCase();
  const time = (verifier: string, recover: (digest: string, signature: string) => string) => {
    const n = verifier === "libsecp256k1" ? count : Math.min(count, 500);
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      if (recover(digests[i]!, signatures[i]!).toLowerCase() !== expected)
        throw new Error(`${verifier} recovered another signer`);
    }
    return { verifier, signatures: n, perSecond: n / ((performance.now() - started) / 1000) };
  };
  const through = (recovery: ReturnType<typeof nobleRecovery>) => (digest: string, signature: string) => {
    const result = recoverSigner(digest, signature, recovery);
    if ("problem" in result) throw new Error(result.problem);
    return result.address;
  };
  const native = nativeRecovery();
  return [
    ...(native ? [time("libsecp256k1", through(native))] : []),
    time("@noble/curves", through(nobleRecovery())),
    time("ethers recoverAddress", (digest, signature) => recoverAddress(digest, Signature.from(signature))),
  ];
}
