import {
  MANDATE_REVOCATION_TYPES,
  PREMIUM_MANDATES_DOMAIN_NAME,
  PREMIUM_MANDATES_DOMAIN_VERSION,
  STANDING_MANDATE_TYPES,
  type MandateRevocation,
  type PremiumMandatesDomain,
  type StandingMandateTerms,
} from "../wallets";
import type { MandateDeps, MandateRow } from "./types";

/**
 * The receipt index every premium takes: the ledger's last (`MAX_RECEIPT_INDEX`), which deliveries opened
 * lowest first reach last, and which the delivery room never opens a receipt on while a mandate holds it.
 */
export const MANDATE_RECEIPT_INDEX = 31;

/** PremiumMandates' EIP-712 domain on this chain. */
export function mandatesDomain(deps: Pick<MandateDeps, "chainId" | "system">): PremiumMandatesDomain {
  return {
    name: PREMIUM_MANDATES_DOMAIN_NAME,
    version: PREMIUM_MANDATES_DOMAIN_VERSION,
    chainId: deps.chainId,
    verifyingContract: (deps.system.mandates.target as string).toLowerCase(),
  };
}

/** The terms a member signs: the proposal's, in the name of `beneficiaryRef` (the proposal's member by default). */
export function termsOf(row: MandateRow, beneficiaryRef = row.beneficiary_ref): StandingMandateTerms {
  return {
    programmeId: BigInt(row.programme_id),
    householdRef: row.household_ref,
    beneficiaryRef,
    insurer: row.insurer_address,
    premiumPerPeriod: BigInt(row.premium),
    firstPeriod: row.first_period,
    lastPeriod: row.last_period,
    receiptIndex: row.receipt_index,
    nonce: BigInt(row.nonce),
    deadline: BigInt(row.deadline),
  };
}

/** The terms as `IPremiumMandates.StandingMandate`, for the ABI coder. */
export function termsTuple(terms: StandingMandateTerms) {
  return {
    programmeId: terms.programmeId,
    householdRef: terms.householdRef,
    beneficiaryRef: terms.beneficiaryRef,
    insurer: terms.insurer,
    premiumPerPeriod: terms.premiumPerPeriod,
    firstPeriod: terms.firstPeriod,
    lastPeriod: terms.lastPeriod,
    receiptIndex: terms.receiptIndex,
    nonce: terms.nonce,
    deadline: terms.deadline,
  };
}

/** Exactly what a wallet signs with `eth_signTypedData_v4` to accept (uint256 as decimal strings). */
export function mandateTypedData(domain: PremiumMandatesDomain, terms: StandingMandateTerms) {
  return {
    domain,
    types: STANDING_MANDATE_TYPES,
    primaryType: "StandingMandate" as const,
    message: {
      programmeId: terms.programmeId.toString(),
      householdRef: terms.householdRef,
      beneficiaryRef: terms.beneficiaryRef,
      insurer: terms.insurer,
      premiumPerPeriod: terms.premiumPerPeriod.toString(),
      firstPeriod: terms.firstPeriod,
      lastPeriod: terms.lastPeriod,
      receiptIndex: terms.receiptIndex,
      nonce: terms.nonce.toString(),
      deadline: terms.deadline.toString(),
    },
  };
}
export type MandateTypedData = ReturnType<typeof mandateTypedData>;

/**
 * What a proposal's QR code carries, as the delivery's does: `sintech:mandate:1;` and the typed data's domain
 * (chain id, PremiumMandates) and message fields, with the gateway's mandate id, separated by `;`. A wallet app
 * rebuilds `StandingMandate` from it with the fixed domain name, version and types, and signs
 * (`eth_signTypedData_v4`); about 450 characters.
 */
export function mandateQrPayload(mandateKey: string, typedData: MandateTypedData): string {
  const { domain, message } = typedData;
  return [
    "sintech:mandate:1",
    domain.chainId,
    domain.verifyingContract.toLowerCase(),
    mandateKey,
    message.programmeId,
    message.householdRef,
    message.beneficiaryRef,
    message.insurer,
    message.premiumPerPeriod,
    message.firstPeriod,
    message.lastPeriod,
    message.receiptIndex,
    message.nonce,
    message.deadline,
  ].join(";");
}

/** What a wallet signs to revoke (`MandateRevocation`), with the deadline it then sends beside the signature. */
export function revocationTypedData(domain: PremiumMandatesDomain, revocation: MandateRevocation) {
  return {
    domain,
    types: MANDATE_REVOCATION_TYPES,
    primaryType: "MandateRevocation" as const,
    message: {
      mandateId: revocation.mandateId,
      memberRef: revocation.memberRef,
      deadline: revocation.deadline.toString(),
    },
  };
}
export type RevocationTypedData = ReturnType<typeof revocationTypedData>;

/**
 * The chain's clock, Unix seconds: PremiumMandates and the ledger check deadlines and periods against their
 * block's time, so the gateway sets and checks them against the latest block's, whatever this machine's says.
 */
export async function chainNow(deps: Pick<MandateDeps, "system">): Promise<number> {
  const block = await deps.system.ledger.runner!.provider!.getBlock("latest");
  return block!.timestamp;
}
