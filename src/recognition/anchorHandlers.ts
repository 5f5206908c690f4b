import type { TransactionReceipt } from "ethers";
import type { ChainJob, JobHandlers } from "../chain/outbox";
import type { DecodedRevert } from "../chain/decodeRevert";
import { cachedStatement } from "../db/statements";
import type { RecognitionDeps } from "./types";

/**
 * Outbox handlers of `RECOGNITION_ANCHOR_JOB`, run in the transaction that records the job's end: the
 * period shows its anchoring transaction, or the contract's refusal.
 */
export function recognitionAnchorHandlers(deps: RecognitionDeps): JobHandlers {
  return {
    confirmed(job: ChainJob, receipt: TransactionReceipt): void {
      cachedStatement(
        deps.db,
        `UPDATE recognition_periods SET status = 'anchored', error_name = NULL, tx_hash = ?, block_number = ?
          WHERE job_id = ?`,
      ).run(receipt.hash, receipt.blockNumber, job.jobId);
    },
    failed(job: ChainJob, error: DecodedRevert): void {
      cachedStatement(
        deps.db,
        "UPDATE recognition_periods SET status = 'failed', error_name = ? WHERE job_id = ?",
      ).run(error.name, job.jobId);
    },
  };
}
