import { TypedDataEncoder, type TypedDataField } from "ethers";

/**
 * PremiumMandates' EIP-712 types, exactly as contracts/insurance/PremiumMandates.sol hashes them. Like the
 * delivery receipt's, the custodial signer builds the typed data from these constants, never from caller
 * input, so it signs a standing mandate or its revocation and nothing else in that domain.
 */
export const STANDING_MANDATE_TYPES: Record<string, TypedDataField[]> = {
  StandingMandate: [
    { name: "programmeId", type: "uint256" },
    { name: "householdRef", type: "bytes32" },
    { name: "beneficiaryRef", type: "bytes32" },
    { name: "insurer", type: "address" },
    { name: "premiumPerPeriod", type: "uint256" },
    { name: "firstPeriod", type: "uint32" },
    { name: "lastPeriod", type: "uint32" },
    { name: "receiptIndex", type: "uint8" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export const MANDATE_REVOCATION_TYPES: Record<string, TypedDataField[]> = {
  MandateRevocation: [
    { name: "mandateId", type: "bytes32" },
    { name: "memberRef", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

export const PREMIUM_MANDATES_DOMAIN_NAME = "Sin Tech PremiumMandates";
export const PREMIUM_MANDATES_DOMAIN_VERSION = "1";

export interface PremiumMandatesDomain {
  name: typeof PREMIUM_MANDATES_DOMAIN_NAME;
  version: typeof PREMIUM_MANDATES_DOMAIN_VERSION;
  chainId: number;
  /** PremiumMandates' address, lower-case. */
  verifyingContract: string;
}

/** What a member signs once: `IPremiumMandates.StandingMandate`. References lower-case, amounts base units. */
export interface StandingMandateTerms {
  programmeId: bigint;
  householdRef: string;
  beneficiaryRef: string;
  insurer: string;
  premiumPerPeriod: bigint;
  firstPeriod: number;
  lastPeriod: number;
  receiptIndex: number;
  nonce: bigint;
  deadline: bigint;
}

export interface MandateRevocation {
  mandateId: string;
  memberRef: string;
  deadline: bigint;
}

/** The mandate's EIP-712 digest, which PremiumMandates also takes as its id. */
export function standingMandateDigest(domain: PremiumMandatesDomain, terms: StandingMandateTerms): string {
  return TypedDataEncoder.hash(domain, STANDING_MANDATE_TYPES, { ...terms }).toLowerCase();
}

/** The digest a revoking member signs (`PremiumMandates.revocationDigest`). */
export function mandateRevocationDigest(
  domain: PremiumMandatesDomain,
  revocation: MandateRevocation,
): string {
  return TypedDataEncoder.hash(domain, MANDATE_REVOCATION_TYPES, { ...revocation }).toLowerCase();
}
