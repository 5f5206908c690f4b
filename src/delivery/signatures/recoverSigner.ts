import { getBytes, keccak256 } from "ethers";
import { nativeSecp256k1 } from "../../chain/nativeSecp256k1";

/**
 * Who signed a 32-byte digest: the address behind a 65-byte `r || s || v` ECDSA signature, as the ledger's
 * `ECDSA.tryRecover` sees it. Acceptances at volume are checked with native libsecp256k1 (the `secp256k1`
 * package's prebuilt binding, about 18,600 recoveries a second on one core here, against about 850 for
 * `@noble/curves`); where the binding cannot load, the pure-JS `@noble/curves` does the same work. The
 * choice is made once, when this module loads.
 *
 * Refused like OpenZeppelin's ECDSA refuses them: a length other than 65, `v` other than 27/28 (or 0/1),
 * `r` or `s` zero or not below the curve order, and a high `s` (the malleable twin of a valid signature),
 * so one acceptance has exactly one signature.
 */
export type SignatureProblem = "length" | "recovery_id" | "high_s" | "invalid";

export type Recovery = { address: string } | { problem: SignatureProblem };

export interface SignerRecovery {
  readonly name: "libsecp256k1" | "noble";
  /** The public key, 65 bytes uncompressed, or undefined when no key recovers. */
  recoverPublicKey(digest: Uint8Array, rs: Uint8Array, recoveryId: number): Uint8Array | undefined;
}

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_ORDER = ORDER >> 1n;

interface NobleSignature {
  addRecoveryBit(bit: number): {
    recoverPublicKey(hash: Uint8Array): { toBytes(compressed: boolean): Uint8Array };
  };
}
interface NobleModule {
  secp256k1: { Signature: { fromBytes(bytes: Uint8Array, format: "compact"): NobleSignature } };
}

/** The native binding; `secp256k1`'s own index would silently fall back to the slow `elliptic` instead. */
export function nativeRecovery(): SignerRecovery | undefined {
  const binding = nativeSecp256k1;
  if (!binding) return undefined;
  return {
    name: "libsecp256k1",
    recoverPublicKey(digest, rs, recoveryId) {
      try {
        return binding.ecdsaRecover(rs, recoveryId, digest, false);
      } catch {
        return undefined;
      }
    },
  };
}

/** `@noble/curves` (ESM-only, loaded through Node 20's `require` of ES modules). */
export function nobleRecovery(): SignerRecovery {
  const { secp256k1 } = require("@noble/curves/secp256k1.js") as NobleModule;
  return {
    name: "noble",
    recoverPublicKey(digest, rs, recoveryId) {
      try {
        return secp256k1.Signature.fromBytes(rs, "compact")
          .addRecoveryBit(recoveryId)
          .recoverPublicKey(digest)
          .toBytes(false);
      } catch {
        return undefined;
      }
    },
  };
}

/** The verifier this process uses: native when its binding loads, else the pure-JS one. */
export const signerRecovery: SignerRecovery = nativeRecovery() ?? nobleRecovery();

/** Recovers the signer of `digest` (0x + 64 hex) from `signature` (0x + 130 hex), or says why not. */
export function recoverSigner(
  digest: string,
  signature: string,
  recovery: SignerRecovery = signerRecovery,
): Recovery {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return { problem: "length" };
  const bytes = getBytes(signature);
  const v = bytes[64]!;
  const recoveryId = v >= 27 ? v - 27 : v;
  if (recoveryId !== 0 && recoveryId !== 1) return { problem: "recovery_id" };
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (r === 0n || r >= ORDER || s === 0n || s >= ORDER) return { problem: "invalid" };
  if (s > HALF_ORDER) return { problem: "high_s" };
  const publicKey = recovery.recoverPublicKey(getBytes(digest), bytes.subarray(0, 64), recoveryId);
  if (publicKey === undefined || publicKey.length !== 65) return { problem: "invalid" };
  return { address: `0x${keccak256(publicKey.subarray(1)).slice(-40)}` };
}
