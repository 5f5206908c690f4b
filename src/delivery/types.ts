import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { HouseholdContext } from "../households";
import type { CustodialSigner, WalletsContext } from "../wallets";
import type { SmsSender } from "./otp/smsSender";

/** What every delivery use-case runs against; built once at boot. */
export interface DeliveryDeps {
  db: Database;
  outbox: ChainOutbox;
  system: AidSystem;
  /** The EIP-712 domain's chain id and verifying contract (the ledger), lower-case. */
  chainId: number;
  ledgerAddress: string;
  /** The settlement token's decimals: amounts in the API are whole units, on chain base units. */
  decimals: number;
  households: HouseholdContext;
  wallets: WalletsContext;
  /** Signs for custodial wallets after a PIN or a verified SMS code, within its caps. */
  custodialSigner: CustodialSigner;
  sms: SmsSender;
  /** Gives an account gas where gas costs something (a custodial wallet that flags a redemption). */
  fundGas(address: string): Promise<void>;
  now(): Date;
}

export const DELIVERY_STATES = [
  "open",
  "awaiting_cosign",
  "accepted",
  "redeemed",
  "refused",
  "disputed",
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const ACCEPTANCE_CHANNELS = ["wallet", "sms", "pin", "ussd"] as const;
export type AcceptanceChannel = (typeof ACCEPTANCE_CHANNELS)[number];

/** A redemption's dispute on chain, as `disputeStatus` reports it, and the gateway's own queued flag. */
export const FLAG_STATES = ["none", "queued", "flagged", "upheld", "dismissed", "refused"] as const;
export type FlagState = (typeof FLAG_STATES)[number];

/** Who asks: the caller's organisation and role (a vendor, a charity, an auditor...). */
export interface DeliveryCaller {
  orgId: string;
  role: string;
}

export interface DeliveryRow {
  delivery_id: string;
  idempotency_key: string;
  programme_id: number;
  vendor_org_id: string;
  vendor_address: string;
  household_ref: string;
  beneficiary_ref: string;
  amount: string;
  item: string;
  quantity: number;
  evidence_hash: string;
  period: number;
  nonce: string;
  deadline: number;
  digest: string;
  state: DeliveryState;
  channel: AcceptanceChannel | null;
  accepted_by: string | null;
  beneficiary_sig: string | null;
  field_agent_org_id: string | null;
  field_agent_sig: string | null;
  redeem_job_id: number | null;
  tx_hash: string | null;
  block_number: number | null;
  refusal_name: string | null;
  refusal_args: string | null;
  flag_job_id: number | null;
  flag_state: "queued" | "flagged" | "refused" | null;
  flagged_by: string | null;
  /** The household's reason (a code of `DISPUTE_REASONS`), once it disputed; null on disputes before migration 26. */
  dispute_reason: string | null;
  created_at: string;
  updated_at: string;
}
