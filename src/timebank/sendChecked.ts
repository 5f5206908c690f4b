import type { Interface } from "ethers";
import { decodeRevert } from "../chain/decodeRevert";
import type { ChainJob } from "../chain/outbox";
import { AppError, DuplicateError } from "../errors";
import type { TimeBankDeps } from "./types";

/** The TimeBank's and the licence registry's refusals in plain words (409: the state does not allow it). */
const REFUSALS: Record<string, string> = {
  CoordinatorUnauthorized: "This organisation holds no active coordinator licence.",
  MemberRefTaken: "This person is already a member of the time bank.",
  MemberWalletTaken: "This wallet is already bound to a member of the time bank.",
  MemberInvalid: "The member or its wallet is invalid.",
  MemberStatusInvalid: "The member is not in a status this action applies to.",
  LicenceRevoked: "The licence was revoked and cannot be granted again.",
  LicenceRevocationPending: "A revocation of this licence is pending.",
};

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
export function attemptKey(deps: Pick<TimeBankDeps, "outbox">, key: string): string {
  let attempt = key;
  for (let job = deps.outbox.byKey(attempt); job?.status === "failed"; job = deps.outbox.byKey(attempt))
    attempt = `${key}#after-${job.jobId}`;
  return attempt;
}

/**
 * Sends one chain write the time bank's way: checked against the chain first (a refusal queues nothing and
 * answers 409 naming the contract's error), then queued in the outbox with `record` (the gateway's rows) in
 * one DB transaction, and sent. A repeated idempotency key is answered from its job without a new check.
 * If the chain refuses it after all (its state moved in between), `undo` removes what `record` wrote.
 */
export async function sendChecked(
  deps: TimeBankDeps,
  write: ChainWrite,
  record: (job: ChainJob) => void = () => {},
  undo: (job: ChainJob) => void = () => {},
): Promise<ChainJob> {
  if (write.retryAfterFailure) write = { ...write, idempotencyKey: attemptKey(deps, write.idempotencyKey) };
  const known = deps.outbox.byKey(write.idempotencyKey);
  if (!known) await checkOnly(deps, write);
  let job: ChainJob;
  try {
    job = deps.db.transaction(() => {
      const queued = deps.outbox.enqueue(write);
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
  await deps.outbox.drain();
  const after = deps.outbox.get(job.jobId);
  if (after?.status === "failed") {
    deps.db.transaction(() => undo(after))();
    throw new AppError(
      "ChainRefusedError",
      409,
      "The time bank refused this change.",
      write.field,
      "Reverted",
    );
  }
  return after ?? job;
}

/** Runs the write as a call: a refusal answers 409 naming the contract's error, and nothing is written. */
export async function checkOnly(
  deps: Pick<TimeBankDeps, "system">,
  write: Pick<ChainWrite, "from" | "to" | "data" | "field">,
): Promise<void> {
  const interfaces = [
    deps.system.timeBank.interface,
    deps.system.licences.interface,
  ] as unknown as Interface[];
  try {
    await deps.system.timeBank.runner!.provider!.call({ from: write.from, to: write.to, data: write.data });
  } catch (error) {
    throw refusal(error, interfaces, write.field);
  }
}

function refusal(error: unknown, interfaces: Interface[], field: string): unknown {
  const revert = decodeRevert(error, interfaces);
  if (!revert) return error;
  return new AppError(
    "ChainRefusedError",
    409,
    REFUSALS[revert.name] ?? "The time bank refused this change.",
    field,
    revert.name,
  );
}
