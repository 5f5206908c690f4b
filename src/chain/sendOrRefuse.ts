import { AppError } from "../errors";
import type { ChainJob, ChainOutbox, EnqueueParams } from "./outbox";

/**
 * Queues one chain write and sends it: the job, once the chain took it; a job the chain refused after all
 * (its state moved since the write was checked) is 409 `Reverted` naming the request's `field`, with the
 * caller's words for what was refused. A repeated idempotency key answers from its job.
 */
export async function sendOrRefuse(
  outbox: ChainOutbox,
  write: EnqueueParams,
  refused: { message: string; field: string },
): Promise<ChainJob> {
  const job = outbox.enqueue(write);
  await outbox.drain();
  const after = outbox.get(job.jobId) ?? job;
  if (after.status === "failed")
    throw new AppError("ChainRefusedError", 409, refused.message, refused.field, "Reverted");
  return after;
}
