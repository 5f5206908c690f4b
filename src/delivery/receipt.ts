import {
  AID_LEDGER_DOMAIN_NAME,
  AID_LEDGER_DOMAIN_VERSION,
  DELIVERY_RECEIPT_TYPES,
  deliveryReceiptDigest,
  type AidLedgerDomain,
  type DeliveryReceipt,
} from "../wallets";
import type { DeliveryDeps, DeliveryRow } from "./types";

/** The EIP-712 typed data of a delivery's receipt, as JSON carries it (uint256 as decimal strings). */
export interface ReceiptTypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: typeof DELIVERY_RECEIPT_TYPES;
  primaryType: "DeliveryReceipt";
  message: {
    programmeId: string;
    beneficiaryRef: string;
    householdRef: string;
    vendor: string;
    amount: string;
    evidenceHash: string;
    nonce: string;
    deadline: string;
  };
}

export function ledgerDomain(deps: Pick<DeliveryDeps, "chainId" | "ledgerAddress">): AidLedgerDomain {
  return {
    name: AID_LEDGER_DOMAIN_NAME,
    version: AID_LEDGER_DOMAIN_VERSION,
    chainId: BigInt(deps.chainId),
    verifyingContract: deps.ledgerAddress.toLowerCase(),
  };
}

type ReceiptFields = Pick<
  DeliveryRow,
  | "programme_id"
  | "beneficiary_ref"
  | "household_ref"
  | "vendor_address"
  | "amount"
  | "evidence_hash"
  | "nonce"
  | "deadline"
>;

export function receiptOf(row: ReceiptFields): DeliveryReceipt {
  return {
    programmeId: BigInt(row.programme_id),
    beneficiaryRef: row.beneficiary_ref,
    householdRef: row.household_ref,
    vendor: row.vendor_address,
    amount: BigInt(row.amount),
    evidenceHash: row.evidence_hash,
    nonce: BigInt(row.nonce),
    deadline: BigInt(row.deadline),
  };
}

export function receiptDigest(deps: Pick<DeliveryDeps, "chainId" | "ledgerAddress">, row: ReceiptFields) {
  return deliveryReceiptDigest(ledgerDomain(deps), receiptOf(row)).toLowerCase();
}

/** Exactly what a wallet signs with `eth_signTypedData_v4`. */
export function typedDataOf(
  deps: Pick<DeliveryDeps, "chainId" | "ledgerAddress">,
  row: ReceiptFields,
): ReceiptTypedData {
  const receipt = receiptOf(row);
  return {
    domain: {
      name: AID_LEDGER_DOMAIN_NAME,
      version: AID_LEDGER_DOMAIN_VERSION,
      chainId: deps.chainId,
      verifyingContract: deps.ledgerAddress.toLowerCase(),
    },
    types: DELIVERY_RECEIPT_TYPES,
    primaryType: "DeliveryReceipt",
    message: {
      programmeId: receipt.programmeId.toString(),
      beneficiaryRef: receipt.beneficiaryRef,
      householdRef: receipt.householdRef,
      vendor: receipt.vendor,
      amount: receipt.amount.toString(),
      evidenceHash: receipt.evidenceHash,
      nonce: receipt.nonce.toString(),
      deadline: receipt.deadline.toString(),
    },
  };
}

/**
 * What the delivery's QR code carries: `sintech:receipt:1;` and the receipt's fields separated by `;`
 * (chain id, ledger, delivery id, programme, beneficiary, household, vendor, amount, evidence hash,
 * nonce, deadline). A wallet app rebuilds the typed data from it with the fixed domain name, version and
 * types above, signs, and answers with the signature; about 400 characters, a version 15 QR code.
 */
export function qrPayloadOf(
  deps: Pick<DeliveryDeps, "chainId" | "ledgerAddress">,
  row: ReceiptFields & Pick<DeliveryRow, "delivery_id">,
): string {
  const { message } = typedDataOf(deps, row);
  return [
    "sintech:receipt:1",
    deps.chainId,
    deps.ledgerAddress.toLowerCase(),
    row.delivery_id,
    message.programmeId,
    message.beneficiaryRef,
    message.householdRef,
    message.vendor,
    message.amount,
    message.evidenceHash,
    message.nonce,
    message.deadline,
  ].join(";");
}
