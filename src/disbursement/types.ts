import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { PepperRing } from "../identity";

/** Gives every listed person a wallet (custodial unless they proved their own) and returns the addresses. */
export interface WalletProvisioner {
  ensureWallets(beneficiaryRefs: readonly string[]): Promise<Map<string, string>>;
}

export interface DisbursementDeps {
  db: Database;
  outbox: ChainOutbox;
  system: AidSystem;
  peppers: PepperRing;
  wallets: WalletProvisioner;
  /** The registrar account that registers people on chain. */
  registrar: string;
  decimals: number;
  now(): Date;
}

export const ROW_STATUSES = [
  "queued",
  "issued",
  "invalid",
  "not_enrolled",
  "not_registered",
  "already_covered",
  "duplicate_in_file",
  "refused",
] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

export interface DisbursementRow {
  rowNo: number;
  householdRef: string | null;
  amount: string | null;
  status: RowStatus;
  field: string | null;
  code: string | null;
  /** Plain words for the charity's screen; never personal data. */
  message: string | null;
  /** The `issueBatch` transaction that issued the row (null until it is issued). */
  txHash: string | null;
}

/** Where a long job stands: `running` until every row is decided and every chain write of it has ended. */
export type JobState = "running" | "done";

/** A long job's progress, read from the durable rows and the outbox (so it survives a restart). */
export interface JobProgress {
  /** Rows (households) in the job. */
  rows: number;
  /** Rows written on chain (issued, registered). */
  done: number;
  /** Rows refused, by the gateway before sending or by the chain. */
  refused: number;
  /** Rows still waiting for a chain write. */
  pending: number;
  /** Transactions of the job queued or sent and not yet final. */
  chainWritesPending: number;
}

export interface DisbursementReport {
  disbursementId: string;
  programmeId: number;
  period: number;
  source: "csv" | "eligible";
  counts: Record<RowStatus, number>;
  state: JobState;
  progress: JobProgress;
  rows: DisbursementRow[];
  createdAt: string;
  /** True when the request repeated an idempotency key: nothing new was sent. */
  replayed?: boolean;
}

/** One line of the list of disbursements: its counts and state, no rows. */
export interface DisbursementSummary {
  disbursementId: string;
  programmeId: number;
  orgId: string;
  period: number;
  source: "csv" | "eligible";
  createdAt: string;
  state: JobState;
  counts: Record<RowStatus, number>;
}
