import { MaxUint256, TypedDataEncoder, type TypedDataField } from "ethers";
import { ValidationError } from "../../errors";
import { parseAddress } from "../inputs";

/**
 * The AidLedger's EIP-712 delivery receipt, exactly as contracts/ledger/RedemptionDesk.sol hashes it.
 * The custodial signer builds the typed data from these constants and never from caller input, so it
 * cannot be talked into signing anything but a delivery receipt.
 */
export const DELIVERY_RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  DeliveryReceipt: [
    { name: "programmeId", type: "uint256" },
    { name: "beneficiaryRef", type: "bytes32" },
    { name: "householdRef", type: "bytes32" },
    { name: "vendor", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export const AID_LEDGER_DOMAIN_NAME = "SinTech AidLedger";
export const AID_LEDGER_DOMAIN_VERSION = "1";

export interface DeliveryReceipt {
  programmeId: bigint;
  /** Lower-case bytes32 hex. */
  beneficiaryRef: string;
  householdRef: string;
  /** Lower-case address. */
  vendor: string;
  amount: bigint;
  evidenceHash: string;
  /**
   * An unused receipt nonce of the household in the programme for the current period, `period << 8 | index`
   * with `index < 32`: `AidLedger.receiptNonce(programmeId, householdRef)` gives the lowest. A redemption uses
   * it up; the household's receipts do not depend on each other, so give each open receipt its own index.
   */
  nonce: bigint;
  /** Unix seconds. */
  deadline: bigint;
}

export interface AidLedgerDomain {
  name: string;
  version: string;
  chainId: bigint;
  /** The AidLedger's address, lower-case. */
  verifyingContract: string;
}

/** Numbers arrive as bigint, safe integers or decimal strings (JSON cannot carry a uint256). */
function parseUint(value: unknown, field: string): bigint {
  let parsed: bigint | undefined;
  if (typeof value === "bigint") parsed = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === "string" && /^[0-9]{1,78}$/.test(value)) parsed = BigInt(value);
  if (parsed === undefined || parsed < 0n || parsed > MaxUint256) {
    throw new ValidationError(field, "format", "Expected an unsigned 256-bit integer");
  }
  return parsed;
}

function parseBytes32(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new ValidationError(field, "format", "Expected 0x followed by 64 hex digits");
  }
  return value.toLowerCase();
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null)
    throw new ValidationError(field, "format", "Expected an object");
  return value as Record<string, unknown>;
}

export function parseDeliveryReceipt(value: unknown, field = "receipt"): DeliveryReceipt {
  const r = record(value, field);
  return {
    programmeId: parseUint(r.programmeId, `${field}.programmeId`),
    beneficiaryRef: parseBytes32(r.beneficiaryRef, `${field}.beneficiaryRef`),
    householdRef: parseBytes32(r.householdRef, `${field}.householdRef`),
    vendor: parseAddress(r.vendor, `${field}.vendor`),
    amount: parseUint(r.amount, `${field}.amount`),
    evidenceHash: parseBytes32(r.evidenceHash, `${field}.evidenceHash`),
    nonce: parseUint(r.nonce, `${field}.nonce`),
    deadline: parseUint(r.deadline, `${field}.deadline`),
  };
}

/** Only the four fields the ledger's domain has: anything else (a salt) would change the digest. */
export function parseAidLedgerDomain(value: unknown, field = "domain"): AidLedgerDomain {
  const d = record(value, field);
  if (d.name !== AID_LEDGER_DOMAIN_NAME || d.version !== AID_LEDGER_DOMAIN_VERSION) {
    throw new ValidationError(field, "not_aid_ledger", "Only AidLedger delivery receipts are signed");
  }
  if (d.salt !== undefined)
    throw new ValidationError(`${field}.salt`, "unexpected", "The AidLedger domain has no salt");
  return {
    name: AID_LEDGER_DOMAIN_NAME,
    version: AID_LEDGER_DOMAIN_VERSION,
    chainId: parseUint(d.chainId, `${field}.chainId`),
    verifyingContract: parseAddress(d.verifyingContract, `${field}.verifyingContract`),
  };
}

/** The digest the ledger recovers the signer from, and stores as the redemption id. */
export function deliveryReceiptDigest(domain: AidLedgerDomain, receipt: DeliveryReceipt): string {
  return TypedDataEncoder.hash(domain, DELIVERY_RECEIPT_TYPES, { ...receipt });
}
