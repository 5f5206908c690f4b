import { dirname } from "node:path";
import { keccak256 } from "ethers";

type Keccak = (data: Uint8Array) => Uint8Array;

/**
 * Keccak-256 on bytes: `@noble/hashes`, the implementation inside ethers (resolved from ethers' own folder,
 * so no dependency is added), without ethers' hex-string wrapper, which costs more than the hash on the
 * audit's hot path. Falls back to that wrapper if the module cannot be found.
 */
export const keccakBytes: Keccak = (() => {
  try {
    const path = require.resolve("@noble/hashes/sha3", { paths: [dirname(require.resolve("ethers"))] });
    return (require(path) as { keccak_256: Keccak }).keccak_256;
  } catch {
    return (data: Uint8Array) => Buffer.from(keccak256(data).slice(2), "hex");
  }
})();
