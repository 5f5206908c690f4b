import type { Result } from "ethers";
import { AidLedger__factory } from "../../../typechain-types";
import { decodeRedeemBatch } from "./redeemBatchCalldata";
import { receiptDigest, type CalldataReceipt } from "./receiptDigest";
import { sendEach, type AuditRpc } from "./rpc";

/** A receipt found in a transaction's calldata, with the signatures submitted beside it. */
export interface SubmittedReceipt {
  receipt: CalldataReceipt;
  beneficiarySignature: string;
  fieldAgentSignature: string;
  /** Who sent the transaction. */
  sender: string;
}

const LEDGER = AidLedger__factory.createInterface();
const REDEEM = LEDGER.getFunction("redeem").selector;
const REDEEM_BATCH = LEDGER.getFunction("redeemBatch").selector;

function toReceipt(fields: Result): CalldataReceipt {
  return {
    programmeId: fields[0] as bigint,
    beneficiaryRef: (fields[1] as string).toLowerCase(),
    householdRef: (fields[2] as string).toLowerCase(),
    vendor: (fields[3] as string).toLowerCase(),
    amount: fields[4] as bigint,
    evidenceHash: (fields[5] as string).toLowerCase(),
    nonce: fields[6] as bigint,
    deadline: fields[7] as bigint,
  };
}

/**
 * Every receipt submitted to the ledger by the given transactions, keyed by its digest (its redemption id).
 * Only direct calls of `redeem` and `redeemBatch` are read: a redemption sent through another contract (a
 * vendor's multisig) has no calldata of its own here, and the audit reports it as unverifiable.
 */
export async function readReceipts(
  rpc: AuditRpc,
  ledger: string,
  separator: string,
  txHashes: readonly string[],
): Promise<Map<string, SubmittedReceipt>> {
  const transactions = await sendEach<{ to: string | null; from: string; input: string } | null>(
    rpc,
    "eth_getTransactionByHash",
    txHashes.map((hash) => [hash]),
    // A batch transaction's calldata is ~300 kB: a few a request.
    { size: 8 },
  );
  const submitted = new Map<string, SubmittedReceipt>();
  for (const tx of transactions) {
    if (!tx || tx.to?.toLowerCase() !== ledger.toLowerCase()) continue;
    const selector = tx.input.slice(0, 10);
    const items: SubmittedReceipt[] = [];
    const sender = tx.from.toLowerCase();
    if (selector === REDEEM) {
      const [receipt, beneficiarySignature, fieldAgentSignature] = LEDGER.decodeFunctionData(
        "redeem",
        tx.input,
      );
      items.push({
        receipt: toReceipt(receipt as Result),
        beneficiarySignature: beneficiarySignature as string,
        fieldAgentSignature: fieldAgentSignature as string,
        sender,
      });
    } else if (selector === REDEEM_BATCH) {
      for (const [digest, item] of decodeRedeemBatch(tx.input, separator, sender))
        submitted.set(digest, item);
    }
    for (const item of items) submitted.set(receiptDigest(separator, item.receipt), item);
  }
  return submitted;
}
