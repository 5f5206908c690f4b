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
}

export interface DisbursementReport {
  disbursementId: string;
  programmeId: number;
  period: number;
  source: "csv" | "eligible";
  counts: Record<RowStatus, number>;
  rows: DisbursementRow[];
  createdAt: string;
  /** True when the request repeated an idempotency key: nothing new was sent. */
  replayed?: boolean;
}
