import type { CalldataItem } from "../chain/redeemBatchCalldata";
import { RECEIPT_TYPEHASH } from "../chain/receiptDigest";
import type { RedemptionEvidence } from "../checks/redemptionCheck";
import {
  RECEIPT_ANSWER_BYTES,
  RECEIPT_BYTES,
  RECEIPTS_HEADER_BYTES,
  type RecoveryPool,
} from "./recoveryPool";

/** Receipts packed for the pool: the header, then each receipt's words and its two signatures (65 bytes or zeros). */
export function packReceipts(separator: string, items: readonly CalldataItem[]): Uint8Array {
  const input = Buffer.alloc(RECEIPTS_HEADER_BYTES + items.length * RECEIPT_BYTES);
  input[0] = 0x19;
  input[1] = 0x01;
  input.write(separator.slice(2), 2, "hex");
  input.write(RECEIPT_TYPEHASH.slice(2), 66, "hex");
  items.forEach((item, index) => {
    const at = RECEIPTS_HEADER_BYTES + index * RECEIPT_BYTES;
    input.set(item.words, at);
    if (item.beneficiarySignature.length === 65) input.set(item.beneficiarySignature, at + 256);
    if (item.fieldAgentSignature.length === 65) input.set(item.fieldAgentSignature, at + 321);
  });
  return input;
}

const addressAt = (bytes: Buffer, at: number): string | undefined => {
  for (let i = at; i < at + 20; i++) if (bytes[i] !== 0) return `0x${bytes.toString("hex", at, at + 20)}`;
  return undefined;
};

/**
 * Each receipt's evidence, keyed by its digest (the redemption id it must match): the digest and the
 * household account hashed in the pool from the receipt's own words, and both signers recovered against it.
 */
export async function recoverReceipts(
  pool: RecoveryPool,
  separator: string,
  items: readonly CalldataItem[],
): Promise<Map<string, RedemptionEvidence>> {
  const output = await pool.recover("receipts", packReceipts(separator, items), items.length);
  const answers = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  const evidence = new Map<string, RedemptionEvidence>();
  items.forEach((item, index) => {
    const at = index * RECEIPT_ANSWER_BYTES;
    evidence.set(`0x${answers.toString("hex", at, at + 32)}`, {
      submitted: item.submitted,
      householdAccount: `0x${answers.toString("hex", at + 32, at + 52)}`,
      beneficiarySigner: addressAt(answers, at + 52),
      fieldAgentSigner: item.fieldAgentSignature.length === 0 ? undefined : addressAt(answers, at + 72),
    });
  });
  return evidence;
}
