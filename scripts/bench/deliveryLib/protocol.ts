import { id } from "ethers";

/** What the bench asks its gateway process (see deliveryGateway.ts) over IPC. */
export type BenchRequest =
  | { type: "open"; count: number; from: number }
  | { type: "redeem"; count: number; batch: number }
  | { type: "progress" }
  /** Starts the gateway's V8 CPU profiler, or stops it and writes the profile to `file`. */
  | { type: "profile"; file?: string }
  | { type: "stop" };

/** A delivery opened for the bench: what the head's wallet signs, and which head. */
export interface OpenedDelivery {
  deliveryId: string;
  /** The receipt's EIP-712 digest, which the ledger names the redemption by. */
  redemptionId: string;
  typedData: {
    domain: Record<string, unknown>;
    types: Record<string, { name: string; type: string }[]>;
    message: Record<string, string>;
  };
  headIndex: number;
}

export interface RedeemFigure {
  count: number;
  /** Receipts per job: 1 is `redeem`, more `redeemBatch`. */
  batch: number;
  ms: number;
  jobs: number;
  confirmed: number;
  /** Receipts found among the ledger's `DeliveryRedeemed` events. */
  redeemedOnChain: number;
  gasPerReceipt: number;
}

export type BenchReply =
  | {
      type: "ready";
      url: string;
      bareUrl: string;
      vendorKey: string;
      households: number;
      setupMs: number;
    }
  | { type: "opened"; deliveries: OpenedDelivery[] }
  | ({ type: "redeemed" } & RedeemFigure)
  | { type: "progress"; states: Record<string, number>; outboxPending: number }
  | { type: "profiling" }
  | { type: "stopped" }
  | { type: "error"; message: string };

/** The private key of household head `index`'s own wallet: the bench signs as that head's phone. */
export function benchHeadKey(index: number): string {
  return id(`sintech delivery bench head ${index}`);
}
