import type { TransactionReceipt } from "ethers";
import type { ChainJob, JobHandlers } from "../chain/outbox";
import type { DecodedRevert } from "../chain/decodeRevert";
import { cachedStatement } from "../db/statements";
import { MerkleTree } from "./merkle";
import type { AnchoringDeps } from "./types";

/**
 * Outbox handlers of `ANCHOR_JOB`, run in the transaction that records the job's end: a confirmed anchor
 * gives every member of its batch its inclusion proof; a refused one leaves the batch `failed` with the
 * contract's reason, to be queued again by `closeDueBatches` once it has waited the batch age.
 */
export function anchorHandlers(deps: AnchoringDeps): JobHandlers {
  return {
    confirmed(job: ChainJob, receipt: TransactionReceipt): void {
      const batchId = batchOf(deps, job);
      if (batchId === undefined) return;
      const members = cachedStatement(
        deps.db,
        "SELECT seq, confirmation_hash FROM confirmations WHERE batch_id = ? ORDER BY seq",
      ).all(batchId) as { seq: number; confirmation_hash: string }[];
      const tree = MerkleTree.ofConfirmations(members.map((member) => member.confirmation_hash));
      const setProof = cachedStatement(deps.db, "UPDATE confirmations SET proof = ? WHERE seq = ?");
      members.forEach((member, index) => setProof.run(JSON.stringify(tree.proof(index)), member.seq));
      cachedStatement(
        deps.db,
        `UPDATE anchor_batches SET status = 'anchored', error_name = NULL, tx_hash = ?, block_number = ?,
           anchored_at = ? WHERE batch_id = ?`,
      ).run(receipt.hash, receipt.blockNumber, deps.now().toISOString(), batchId);
    },
    failed(job: ChainJob, error: DecodedRevert): void {
      const batchId = batchOf(deps, job);
      if (batchId === undefined) return;
      cachedStatement(
        deps.db,
        "UPDATE anchor_batches SET status = 'failed', error_name = ?, failed_at = ? WHERE batch_id = ?",
      ).run(error.name, deps.now().toISOString(), batchId);
    },
  };
}

function batchOf(deps: AnchoringDeps, job: ChainJob): number | undefined {
  return cachedStatement(deps.db, "SELECT batch_id FROM anchor_batches WHERE job_id = ?", "pluck").get(
    job.jobId,
  ) as number | undefined;
}
