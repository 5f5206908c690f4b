import { KECCAK_SOURCE } from "../chain/keccakSource";

/**
 * The recovery loops, as source text: they run in worker threads started with `eval`, so the audit needs no
 * compiled worker file beside its TypeScript, and on the main thread for small audits. They refuse
 * signatures exactly as OpenZeppelin's `ECDSA.tryRecover` does (length 65, `v` 27/28 or 0/1, `r`/`s` in
 * range, low `s`) and recover with native libsecp256k1 where its prebuilt binding loads, else with
 * `@noble/curves`. `makeRecover(paths)` returns both loops:
 *
 * - `signatures(input, count, output)`: `count` tasks of 97 bytes (digest 32, `r ‖ s ‖ v` 65); a task
 *   whose signature is not 65 bytes long is sent as zeros, which the range check refuses. Output: 20 bytes
 *   a task, the recovered address, all zero when nothing recovers.
 * - `receipts(input, count, output)`: a header of 98 bytes (`0x1901 ‖ domain separator`, then the receipt
 *   typehash), then `count` receipts of 386 bytes (the receipt's 8 calldata words, the beneficiary's
 *   signature and the field agent's, 65 bytes each or zeros). Each receipt's digest is hashed here, from
 *   its own words, and both signatures recovered against it. Output: 92 bytes a receipt: the digest (32),
 *   the household account `keccak256(householdRef)[12:]` (20), the beneficiary's signer (20), the field
 *   agent's (20).
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
  /** The signer of the 65 bytes of sigs at sig over the digest of digests at digest, written at out; nothing if none. */
  function recoverOne(digests, digest, sigs, sig, output, out) {
    const v = sigs[sig + 64];
    const recid = v >= 27 ? v - 27 : v;
    if (recid !== 0 && recid !== 1) return;
    const r = sigs.subarray(sig, sig + 32);
    const s = sigs.subarray(sig + 32, sig + 64);
    // Big-endian words compare as the numbers do.
    if (r.equals(ZERO) || r.compare(ORDER) >= 0 || s.equals(ZERO) || s.compare(HALF) > 0) return;
    let key;
    try { key = recoverKey(digests.subarray(digest, digest + 32), sigs.subarray(sig, sig + 64), recid); } catch { return; }
    if (!key || key.length !== 65) return;
    keccak(key, 1, 65, hash, 0);
    output.set(hash.subarray(12), out);
  }
  function signatures(input, count, output) {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    for (let i = 0; i < count; i++) recoverOne(bytes, i * 97, bytes, i * 97 + 32, output, i * 20);
  }
  const outer = new Uint8Array(66);
  const struct = new Uint8Array(288);
  function receipts(input, count, output) {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const out = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
    outer.set(bytes.subarray(0, 66));
    struct.set(bytes.subarray(66, 98));
    for (let i = 0; i < count; i++) {
      const at = 98 + i * 386;
      const o = i * 92;
      struct.set(bytes.subarray(at, at + 256), 32);
      keccak(struct, 0, 288, outer, 34);
      keccak(outer, 0, 66, out, o);
      // householdRef is the receipt's third word.
      keccak(bytes, at + 64, at + 96, hash, 0);
      out.set(hash.subarray(12), o + 32);
      recoverOne(out, o, bytes, at + 256, out, o + 52);
      recoverOne(out, o, bytes, at + 321, out, o + 72);
    }
  }
  return { signatures, receipts };
}
`;

export const WORKER_SOURCE = `${RECOVERY_SOURCE}
const { parentPort, workerData } = require("node:worker_threads");
const recover = makeRecover(workerData.paths);
parentPort.on("message", ({ kind, input, count }) => {
  const output = new Uint8Array(count * (kind === "receipts" ? 92 : 20));
  recover[kind](new Uint8Array(input), count, output);
  parentPort.postMessage(output, [output.buffer]);
});
`;
