import type { Database } from "better-sqlite3";
import type { Interface, Provider } from "ethers";
import { AppError, DuplicateError } from "../errors";
import { decodeRevert } from "./decodeRevert";
import type { ChainJob, ChainOutbox } from "./outbox";

/** One chain write a room sends checked: the request field a refusal names goes with it. */
export interface ChainWrite {
  idempotencyKey: string;
  kind: string;
  from: string;
  to: string;
  data: string;
  /** The request field a refusal names. */
  field: string;
  /**
   * A key the gateway derived (no caller's idempotency key in it): once its job failed on chain, another
   * attempt goes out under the next key (`attemptKey`) instead of answering the old failure for ever.
   */
  retryAfterFailure?: boolean;
}

/**
 * The key of the next attempt of a derived write: the key itself, or, once a job under it failed on chain,
 * the key followed by the failed job's id (and so on). Two callers retrying at once still share one key.
 */
export function attemptKey(outbox: Pick<ChainOutbox, "byKey">, key: string): string {
  let attempt = key;
  for (let job = outbox.byKey(attempt); job?.status === "failed"; job = outbox.byKey(attempt))
    attempt = `${key}#after-${job.jobId}`;
  return attempt;
}

/** What a room's checked writes run against, and how it words the contracts' refusals (409). */
export interface CheckedWriteContext {
  db: Database;
  outbox: ChainOutbox;
  provider: Provider;
  /** ABIs whose custom errors a refusal is named by. */
  interfaces: readonly Interface[];
  /** The contracts' errors in plain words, by name. */
  refusals: Readonly<Record<string, string>>;
  /** What any other refusal says. */
  refused: string;
}

/**
 * Sends one chain write checked: tried against the chain first (a refusal queues nothing and answers 409
 * naming the contract's error), then queued in the outbox with `record` (the room's rows) in one DB
 * transaction, and sent. A repeated idempotency key is answered from its job without a new check. If the
 * chain refuses it after all (its state moved in between), `undo` removes what `record` wrote.
 */
export async function sendChecked(
  ctx: CheckedWriteContext,
  write: ChainWrite,
  record: (job: ChainJob) => void = () => {},
  undo: (job: ChainJob) => void = () => {},
): Promise<ChainJob> {
  if (write.retryAfterFailure)
    write = { ...write, idempotencyKey: attemptKey(ctx.outbox, write.idempotencyKey) };
  const known = ctx.outbox.byKey(write.idempotencyKey);
  if (!known) await checkOnly(ctx, write);
  let job: ChainJob;
  try {
    job = ctx.db.transaction(() => {
      const queued = ctx.outbox.enqueue(write);
      if (!known) record(queued);
      return queued;
    })();
  } catch (error) {
    // The outbox holds this key for another write: the API's one code for a key reused with another body.
    if (error instanceof DuplicateError && error.code === "reused")
      throw new DuplicateError(
        "idempotencyKey",
        "idempotency_key_reused",
        "This idempotency key was used for another request.",
      );
    throw error;
  }
  await ctx.outbox.drain();
  const after = ctx.outbox.get(job.jobId);
  if (after?.status === "failed") {
    ctx.db.transaction(() => undo(after))();
    throw new AppError(
      "ChainRefusedError",
      409,
      (after.error && ctx.refusals[after.error.name]) ?? ctx.refused,
      write.field,
      after.error?.name ?? "Reverted",
    );
  }
  return after ?? job;
}

/** Runs the write as a call: a refusal answers 409 naming the contract's error, and nothing is written. */
export async function checkOnly(
  ctx: Pick<CheckedWriteContext, "provider" | "interfaces" | "refusals" | "refused">,
  write: Pick<ChainWrite, "from" | "to" | "data" | "field">,
): Promise<void> {
  try {
    await ctx.provider.call({ from: write.from, to: write.to, data: write.data });
  } catch (error) {
    const revert = decodeRevert(error, ctx.interfaces as Interface[]);
    if (!revert) throw error;
    throw new AppError(
      "ChainRefusedError",
      409,
      ctx.refusals[revert.name] ?? ctx.refused,
      write.field,
      revert.name,
    );
  }
}
