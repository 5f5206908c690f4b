import { AbiCoder, concat, id, keccak256 } from "ethers";
import { eip712DomainSeparator } from "./receiptDigest";

const MANDATE_TYPEHASH = id(
  "StandingMandate(uint256 programmeId,bytes32 householdRef,bytes32 beneficiaryRef,address insurer," +
    "uint256 premiumPerPeriod,uint32 firstPeriod,uint32 lastPeriod,uint8 receiptIndex,uint256 nonce," +
    "uint256 deadline)",
);

/** A standing mandate's signed terms, as its `MandateAccepted` event carries them. */
export interface MandateTerms {
  programmeId: bigint;
  householdRef: string;
  beneficiaryRef: string;
  insurer: string;
  premiumPerPeriod: bigint;
  firstPeriod: bigint;
  lastPeriod: bigint;
  receiptIndex: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** PremiumMandates' EIP-712 domain separator. */
export function mandateDomainSeparator(chainId: number, mandates: string): string {
  return eip712DomainSeparator("Sin Tech PremiumMandates", chainId, mandates);
}

/** The terms of a `MandateAccepted` event's arguments. */
export function mandateTermsOf(args: Record<string, unknown>): MandateTerms {
  return {
    programmeId: args.programmeId as bigint,
    householdRef: (args.householdRef as string).toLowerCase(),
    beneficiaryRef: (args.beneficiaryRef as string).toLowerCase(),
    insurer: (args.insurer as string).toLowerCase(),
    premiumPerPeriod: args.premiumPerPeriod as bigint,
    firstPeriod: BigInt(args.firstPeriod as bigint | number),
    lastPeriod: BigInt(args.lastPeriod as bigint | number),
    receiptIndex: BigInt(args.receiptIndex as bigint | number),
    nonce: args.nonce as bigint,
    deadline: args.deadline as bigint,
  };
}

/** The mandate's EIP-712 digest, which is also its id: `keccak256(0x1901 ‖ domain ‖ structHash)`. */
export function mandateDigest(separator: string, terms: MandateTerms): string {
  const structHash = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      [
        "bytes32",
        "uint256",
        "bytes32",
        "bytes32",
        "address",
        "uint256",
        "uint32",
        "uint32",
        "uint8",
        "uint256",
        "uint256",
      ],
      [
        MANDATE_TYPEHASH,
        terms.programmeId,
        terms.householdRef,
        terms.beneficiaryRef,
        terms.insurer,
        terms.premiumPerPeriod,
        terms.firstPeriod,
        terms.lastPeriod,
        terms.receiptIndex,
        terms.nonce,
        terms.deadline,
      ],
    ),
  );
  return keccak256(concat(["0x1901", separator, structHash]));
}
