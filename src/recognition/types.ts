import type { Database } from "better-sqlite3";
import type { ChainOutbox } from "../chain/outbox";
import type { ReceiptAnchor } from "../../typechain-types";

export interface RecognitionDeps {
  db: Database;
  outbox: ChainOutbox;
  /** Period roots are anchored through `ReceiptAnchor`, as confirmation batches are. */
  anchor: Pick<ReceiptAnchor, "target" | "interface">;
  /** The licensed registrar account that anchors. */
  registrar: string;
  /** The settlement token's decimals, for amounts shown in whole units. */
  decimals: number;
  now(): Date;
}

/** queued: the anchor job is in the outbox; anchored: confirmed on chain; failed: refused (closed again). */
export type PeriodState = "queued" | "anchored" | "failed";
