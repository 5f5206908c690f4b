import type { Database } from "better-sqlite3";
import type { JsonRpcProvider } from "ethers";
import type { AidSystem } from "../../deploy/system";
import type { JsonRpc } from "../chain/jsonRpc";
import type { HouseholdContext } from "../households";
import type { PepperRing } from "../identity";
import type { GiftNotifier } from "./giftNotifier";

export interface IndexerPolicy {
  /** Blocks below the head left unread: the follower reads up to head − confirmations. */
  confirmations: number;
  /** Most blocks one eth_getLogs asks for. */
  blockRange: number;
  pollMs: number;
}

export interface WebhookPolicy {
  retryBaseMs: number;
  maxAttempts: number;
}

/** What the indexer, the donors' timeline and the notifications run against. */
export interface IndexerDeps {
  db: Database;
  provider: JsonRpcProvider;
  /** The same node in plain JSON-RPC, for the follower's log and block reads. */
  rpc: JsonRpc;
  system: AidSystem;
  /** Keys receipt-code secrets and derives webhook signing secrets. */
  peppers: PepperRing;
  /** Coarse regions of households reached, from the household file's vault. */
  households: Pick<HouseholdContext, "vault">;
  decimals: number;
  policy: IndexerPolicy;
  webhooks: WebhookPolicy;
  /** Live gift events for server-sent-event streams; the durable record is the gift_events table. */
  notifier: GiftNotifier;
  now(): Date;
}

export interface Checkpoint {
  blockNumber: number;
  blockHash: string;
}

/** A reorganisation found below the checkpoint, and where the follower rewound to. */
export interface ReorgReport {
  checkpointBlock: number;
  forkBlock: number;
  depth: number;
}

export interface IndexStep {
  head: number;
  /** The last block read and applied, or null before the first. */
  checkpoint: Checkpoint | null;
  eventsApplied: number;
  reorg: ReorgReport | null;
  caughtUp: boolean;
}

/** One gift event as a donor receives it (SSE `data`, webhook body). */
export interface GiftEvent {
  eventId: string;
  type: GiftEventType;
  giftId: number;
  programmeId: number;
  amount: string;
  txHash: string;
  blockNumber: number;
  /** The redemption a settlement paid for, the new gift of a reallocation; null for a refund. */
  redemptionId: string | null;
  vendor: string | null;
  reallocatedToGiftId: number | null;
}

export const GIFT_EVENT_TYPES = [
  "gift.delivered",
  "gift.refunded",
  "gift.reallocated",
  "gift.settlement_reversed",
] as const;
export type GiftEventType = (typeof GIFT_EVENT_TYPES)[number];
