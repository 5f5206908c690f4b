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
export const RECOVERY_SOURCE = `
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF = ORDER >> 1n;
function makeRecover(paths) {
  const { keccak256 } = require(paths.ethers);
  let recoverKey;
  try {
    const binding = require(paths.native);
    recoverKey = (digest, rs, recid) => binding.ecdsaRecover(rs, recid, digest, false);
  } catch {
    const { secp256k1 } = require(paths.noble);
    recoverKey = (digest, rs, recid) =>
      secp256k1.Signature.fromBytes(rs, "compact").addRecoveryBit(recid).recoverPublicKey(digest).toBytes(false);
  }
  const big = (bytes) => BigInt("0x" + Buffer.from(bytes).toString("hex"));
  return function recoverAll(input, count, output) {
    for (let i = 0; i < count; i++) {
      const base = i * 97;
      const digest = input.subarray(base, base + 32);
      const rs = input.subarray(base + 32, base + 96);
      const v = input[base + 96];
      const recid = v >= 27 ? v - 27 : v;
      if (recid !== 0 && recid !== 1) continue;
      const r = big(rs.subarray(0, 32));
      const s = big(rs.subarray(32, 64));
      if (r === 0n || r >= ORDER || s === 0n || s > HALF) continue;
      let key;
      try { key = recoverKey(digest, rs, recid); } catch { continue; }
      if (!key || key.length !== 65) continue;
      const hash = keccak256(key.subarray(1));
      output.set(Buffer.from(hash.slice(26), "hex"), i * 20);
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
