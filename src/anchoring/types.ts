import type { Database } from "better-sqlite3";
import type { ChainOutbox } from "../chain/outbox";
import type { ReceiptAnchor } from "../../typechain-types";

/** What a confirmation records: a distribution in kind run by a charity itself, or a service visit. */
export const CONFIRMATION_KINDS = ["in_kind_distribution", "service_visit"] as const;
export type ConfirmationKind = (typeof CONFIRMATION_KINDS)[number];

/** When batches close: at `batchSize` confirmations, or once the oldest pending one is `maxAgeMs` old. */
export interface BatchPolicy {
  batchSize: number;
  maxAgeMs: number;
}

export interface AnchoringDeps {
  db: Database;
  outbox: ChainOutbox;
  /** The deployed `ReceiptAnchor`: its address for the jobs, its views for the checks. */
  anchor: Pick<ReceiptAnchor, "target" | "interface" | "verifyReceipt" | "anchorOf">;
  /** The licensed registrar account that anchors batches. */
  registrar: string;
  policy: BatchPolicy;
  now(): Date;
}

/** pending: in no batch yet; batched: its batch's anchor is queued or sent; anchored: confirmed on chain. */
export type ConfirmationState = "pending" | "batched" | "anchored";
/** queued: the anchor job is in the outbox; failed: the chain refused it (retried later); anchored. */
export type BatchState = "queued" | "anchored" | "failed";

export interface AnchorView {
  root: string;
  count: number;
  state: BatchState;
  /** Times the anchor was queued (a refused anchor is queued again after the batch age). */
  attempts: number;
  /** The contract's refusal of the last attempt, when it failed. */
  errorName: string | null;
  txHash: string | null;
  blockNumber: number | null;
  closedAt: string;
  anchoredAt: string | null;
  uri: string;
}

export interface ConfirmationView {
  confirmationId: string;
  confirmationHash: string;
  state: ConfirmationState;
  programmeId: number;
  householdRef: string;
  kind: ConfirmationKind;
  deliveredAt: string;
  evidenceHash: string | null;
  recordedBy: string;
  /** The random salt mixed into the hash: with the fields above, anyone can recompute it. */
  salt: string;
  recordedAt: string;
  /** Its batch, once closed: the root, its place in the batch, and its proof once anchored. */
  batch: {
    root: string;
    leafIndex: number;
    state: BatchState;
    txHash: string | null;
    blockNumber: number | null;
    anchoredAt: string | null;
    proof: string[] | null;
  } | null;
}
