import type { Interface } from "ethers";
import {
  checkOnly as checkWrite,
  sendChecked as sendCheckedWrite,
  type ChainWrite,
  type CheckedWriteContext,
} from "../chain/checkedWrite";
import type { ChainJob } from "../chain/outbox";
import type { TimeBankDeps } from "./types";

export { attemptKey, type ChainWrite } from "../chain/checkedWrite";

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

function timeBankWrites(deps: Pick<TimeBankDeps, "system">): Omit<CheckedWriteContext, "db" | "outbox"> {
  return {
    provider: deps.system.timeBank.runner!.provider!,
    interfaces: [deps.system.timeBank.interface, deps.system.licences.interface] as unknown as Interface[],
    refusals: REFUSALS,
    refused: "The time bank refused this change.",
  };
}

/**
 * Sends one chain write the time bank's way (`src/chain/checkedWrite`): checked against the chain first, queued
 * with `record` in one DB transaction, sent; `undo` if the chain refuses it after all.
 */
export function sendChecked(
  deps: TimeBankDeps,
  write: ChainWrite,
  record?: (job: ChainJob) => void,
  undo?: (job: ChainJob) => void,
): Promise<ChainJob> {
  return sendCheckedWrite({ db: deps.db, outbox: deps.outbox, ...timeBankWrites(deps) }, write, record, undo);
}

/** Runs the write as a call: a refusal answers 409 naming the contract's error, and nothing is written. */
export function checkOnly(
  deps: Pick<TimeBankDeps, "system">,
  write: Pick<ChainWrite, "from" | "to" | "data" | "field">,
): Promise<void> {
  return checkWrite(timeBankWrites(deps), write);
}
