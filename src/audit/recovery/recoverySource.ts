import { KECCAK_SOURCE } from "../chain/keccakSource";

/**
 * The recovery loop, as source text: it runs in worker threads started with `eval`, so the audit needs no
 * compiled worker file beside its TypeScript, and on the main thread for small audits. It refuses signatures
 * exactly as OpenZeppelin's `ECDSA.tryRecover` does (length 65, `v` 27/28 or 0/1, `r`/`s` in range, low `s`)
 * and recovers with native libsecp256k1 where its prebuilt binding loads, else with `@noble/curves`.
 *
 * Input: one buffer of `count` tasks, 97 bytes each (digest 32, `r ‖ s ‖ v` 65); a task whose signature
 * is not 65 bytes long is sent as zeros, which the range check refuses. Output: 20 bytes per task, the
 * recovered address, all zero when nothing recovers.
 */
export const RECOVERY_SOURCE = `${KECCAK_SOURCE}
const ORDER = Buffer.from("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "hex");
const HALF = Buffer.from("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", "hex");
const ZERO = Buffer.alloc(32);
function makeRecover(paths) {
  const keccak = makeKeccak();
  let recoverKey;
  try {
    const binding = require(paths.native);
    recoverKey = (digest, rs, recid) => binding.ecdsaRecover(rs, recid, digest, false);
  } catch {
    const { secp256k1 } = require(paths.noble);
    recoverKey = (digest, rs, recid) =>
      secp256k1.Signature.fromBytes(rs, "compact").addRecoveryBit(recid).recoverPublicKey(digest).toBytes(false);
  }
  const hash = new Uint8Array(32);
  return function recoverAll(input, count, output) {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    for (let i = 0; i < count; i++) {
      const base = i * 97;
      const v = bytes[base + 96];
      const recid = v >= 27 ? v - 27 : v;
      if (recid !== 0 && recid !== 1) continue;
      const r = bytes.subarray(base + 32, base + 64);
      const s = bytes.subarray(base + 64, base + 96);
      // Big-endian words compare as the numbers do.
      if (r.equals(ZERO) || r.compare(ORDER) >= 0 || s.equals(ZERO) || s.compare(HALF) > 0) continue;
      let key;
      try { key = recoverKey(bytes.subarray(base, base + 32), bytes.subarray(base + 32, base + 96), recid); } catch { continue; }
      if (!key || key.length !== 65) continue;
      keccak(key, 1, 65, hash, 0);
      output.set(hash.subarray(12), i * 20);
    }
  };
}
`;

export const WORKER_SOURCE = `${RECOVERY_SOURCE}
const { parentPort, workerData } = require("node:worker_threads");
const recoverAll = makeRecover(workerData.paths);
parentPort.on("message", ({ input, count }) => {
  const output = new Uint8Array(count * 20);
  recoverAll(new Uint8Array(input), count, output);
  parentPort.postMessage(output, [output.buffer]);
});
`;
