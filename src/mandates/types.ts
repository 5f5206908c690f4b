import type { DeliveryDeps } from "../delivery";

/**
 * What the mandates' use-cases run against: the delivery room's (households, wallets and the custodial
 * signer, SMS, the outbox), since a premium is a delivery whose acceptance stands, and the gateway's
 * operator account, which submits members' signed mandates and revocations (anyone may).
 */
export interface MandateDeps extends DeliveryDeps {
  operator: string;
}

/** Who asks: the caller's organisation, role and key (reads of a household are logged with it). */
export interface MandateCaller {
  orgId: string;
  role: string;
  keyId: string;
}

export const MANDATE_STATES = ["proposed", "accepted", "revoked"] as const;
export type MandateState = (typeof MANDATE_STATES)[number];

/** How a member gave its word: its own wallet's signature, or its custodial wallet after a PIN or SMS code. */
export const MANDATE_CHANNELS = ["wallet", "pin", "sms"] as const;
export type MandateChannel = (typeof MANDATE_CHANNELS)[number];

export interface MandateRow {
  mandate_key: string;
  idempotency_key: string;
  proposer_org_id: string;
  programme_id: number;
  household_ref: string;
  beneficiary_ref: string;
  insurer_org_id: string;
  insurer_address: string;
  premium: string;
  first_period: number;
  last_period: number;
  receipt_index: number;
  nonce: string;
  deadline: number;
  state: MandateState;
  mandate_id: string | null;
  accepted_channel: MandateChannel | null;
  signature: string | null;
  accept_job_id: number | null;
  revoked_by: string | null;
  revoke_channel: MandateChannel | null;
  revoke_job_id: number | null;
  /** The revocation's transaction, once the indexer has read it on chain (not a column: read beside it). */
  revoke_tx_hash: string | null;
  created_at: string;
  updated_at: string;
}
