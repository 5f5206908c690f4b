import { AidLedger__factory } from "../../../typechain-types";
import { decodeRedeemBatch, receiptOfWords, type CalldataItem } from "./redeemBatchCalldata";
import type { CalldataReceipt } from "./receiptDigest";
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

/** `redeem(receipt, bytes, bytes)`: the receipt is a static tuple, so its 8 words open the arguments. */
function decodeRedeem(input: string, sender: string): CalldataItem {
  const [, beneficiarySignature, fieldAgentSignature] = LEDGER.decodeFunctionData(
    "redeem",
    input,
  ) as unknown as [unknown, string, string];
  const data = Buffer.from(input.slice(10), "hex");
  return {
    submitted: {
      receipt: receiptOfWords(data, 0),
      beneficiarySignature: beneficiarySignature.toLowerCase(),
      fieldAgentSignature: fieldAgentSignature.toLowerCase(),
      sender,
    },
    words: data.subarray(0, 256),
    beneficiarySignature: Buffer.from(beneficiarySignature.slice(2), "hex"),
    fieldAgentSignature: Buffer.from(fieldAgentSignature.slice(2), "hex"),
  };
}

/**
 * Every receipt submitted to the ledger by the given transactions (their digests, the redemption ids, are
 * hashed with the signatures' recovery). Only direct calls of `redeem` and `redeemBatch` are read: a
 * redemption sent through another contract (a vendor's multisig) has no calldata of its own here, and the
 * audit reports it as unverifiable.
 */
export async function readReceipts(
  rpc: AuditRpc,
  ledger: string,
  txHashes: readonly string[],
): Promise<CalldataItem[]> {
  const transactions = await sendEach<{ to: string | null; from: string; input: string } | null>(
    rpc,
    "eth_getTransactionByHash",
    txHashes.map((hash) => [hash]),
    // A batch transaction's calldata is ~300 kB: a few a request.
    { size: 8 },
  );
  const items: CalldataItem[] = [];
  for (const tx of transactions) {
    if (!tx || tx.to?.toLowerCase() !== ledger.toLowerCase()) continue;
    const selector = tx.input.slice(0, 10);
    const sender = tx.from.toLowerCase();
    if (selector === REDEEM) items.push(decodeRedeem(tx.input, sender));
    else if (selector === REDEEM_BATCH)
      for (const item of decodeRedeemBatch(tx.input, sender)) items.push(item);
  }
  return items;
}
