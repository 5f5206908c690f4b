import type { Interface } from "ethers";
import { decodeRevert } from "../chain/decodeRevert";
import type { ChainJob } from "../chain/outbox";
import { AppError } from "../errors";
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
  const known = deps.outbox.byKey(write.idempotencyKey);
  if (!known) await checkOnly(deps, write);
  const job = deps.db.transaction(() => {
    const queued = deps.outbox.enqueue(write);
    if (!known) record(queued);
    return queued;
  })();
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
