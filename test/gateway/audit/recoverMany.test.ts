import { expect } from "chai";
import { Signature, Wallet, id, recoverAddress, toBeHex } from "ethers";
import { recoverMany, type RecoveryTask } from "../../../src/audit";
import { RecoveryPool, type BatchKind } from "../../../src/audit/recovery/recoveryPool";

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** `count` digests signed by `count` keys, and who signed each. */
function signed(count: number): { tasks: RecoveryTask[]; signers: string[] } {
  const tasks: RecoveryTask[] = [];
  const signers: string[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = new Wallet(id(`recover many key ${i % 7}`));
    const digest = id(`recover many digest ${i}`);
    tasks.push({ digest, signature: wallet.signingKey.sign(digest).serialized });
    signers.push(wallet.address.toLowerCase());
  }
  return { tasks, signers };
}

describe("audit: recoverMany", () => {
  it("recovers the signer ethers recovers, on this thread and in workers alike", async () => {
    const { tasks, signers } = signed(4_100);
    expect(recoverAddress(tasks[0]!.digest, tasks[0]!.signature).toLowerCase()).to.equal(signers[0]);
    const inline = await recoverMany(tasks, { workers: 0 });
    const pooled = await recoverMany(tasks, { workers: 2 });
    expect(inline).to.deep.equal(signers);
    expect(pooled).to.deep.equal(signers);
  });

  it("refuses what OpenZeppelin's ECDSA refuses: high s, a bad v, a short signature, r zero", async () => {
    const { tasks, signers } = signed(1);
    const { r, s, v } = Signature.from(tasks[0]!.signature);
    const digest = tasks[0]!.digest;
    const highS = `${r}${toBeHex(ORDER - BigInt(s), 32).slice(2)}${(v === 27 ? 28 : 27).toString(16)}`;
    const badV = `${tasks[0]!.signature.slice(0, -2)}1d`;
    const short = tasks[0]!.signature.slice(0, -2);
    const zeroR = `0x${"00".repeat(32)}${s.slice(2)}${v.toString(16)}`;
    const results = await recoverMany(
      [tasks[0]!, ...[highS, badV, short, zeroR].map((signature) => ({ digest, signature }))],
      { workers: 0 },
    );
    expect(results).to.deep.equal([signers[0], undefined, undefined, undefined, undefined]);
  });

  it("rejects a batch its worker fails on, and every batch after it, rather than waiting for ever", async () => {
    const pool = new RecoveryPool(1);
    try {
      const failed = await pool.recover("no such kind" as BatchKind, new Uint8Array(97), 1).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failed).to.be.instanceOf(Error);
      const later = await pool.recover("signatures", new Uint8Array(97), 1).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(later).to.equal(failed);
    } finally {
      await pool.close();
    }
  });
});
