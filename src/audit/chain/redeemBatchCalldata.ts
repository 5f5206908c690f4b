import type { SubmittedReceipt } from "./readReceipts";

/** A receipt read from calldata: its fields, and its bytes as the recovery workers take them. */
export interface CalldataItem {
  submitted: SubmittedReceipt;
  /** The receipt's 8 ABI words, which its EIP-712 struct hash is taken over. */
  words: Uint8Array;
  beneficiarySignature: Uint8Array;
  fieldAgentSignature: Uint8Array;
}

const hex = (bytes: Uint8Array): string =>
  `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;

/** A receipt's fields from its 8 calldata words (every field one static word). */
export function receiptOfWords(data: Buffer, item: number): SubmittedReceipt["receipt"] {
  const big = (at: number): bigint => BigInt(`0x${data.toString("hex", at, at + 32)}`);
  return {
    programmeId: big(item),
    beneficiaryRef: `0x${data.toString("hex", item + 32, item + 64)}`,
    householdRef: `0x${data.toString("hex", item + 64, item + 96)}`,
    vendor: `0x${data.toString("hex", item + 108, item + 128)}`,
    amount: big(item + 128),
    evidenceHash: `0x${data.toString("hex", item + 160, item + 192)}`,
    nonce: big(item + 192),
    deadline: big(item + 224),
  };
}

/**
 * `redeemBatch(SignedReceipt[])` calldata read word by word: the general ABI decoder took most of an audit's
 * read time. Each receipt's digest is hashed from its own eight calldata words, in the recovery workers.
 * Layout (ABI head/tail): the array's offset; at it, the length and one offset per item (relative to the
 * first offset); each item holds the receipt's 8 words, then the offsets of its two `bytes` (relative to
 * the item), each a length word and the padded bytes. An offset out of bounds throws, like the ABI decoder.
 */
export function decodeRedeemBatch(input: string, sender: string): CalldataItem[] {
  const data = Buffer.from(input.slice(10), "hex");
  const word = (at: number): number => {
    if (at + 32 > data.length) throw new Error("redeemBatch calldata out of bounds");
    return Number(data.readBigUInt64BE(at + 24));
  };
  const bytesAt = (at: number): Uint8Array => {
    const length = word(at);
    if (at + 32 + length > data.length) throw new Error("redeemBatch calldata out of bounds");
    return data.subarray(at + 32, at + 32 + length);
  };
  const arrayAt = word(0);
  const count = word(arrayAt);
  const heads = arrayAt + 32;
  const out: CalldataItem[] = [];
  for (let i = 0; i < count; i++) {
    const item = heads + word(heads + i * 32);
    if (item + 320 > data.length) throw new Error("redeemBatch calldata out of bounds");
    const beneficiarySignature = bytesAt(item + word(item + 256));
    const fieldAgentSignature = bytesAt(item + word(item + 288));
    out.push({
      submitted: {
        receipt: receiptOfWords(data, item),
        beneficiarySignature: hex(beneficiarySignature),
        fieldAgentSignature: hex(fieldAgentSignature),
        sender,
      },
      words: data.subarray(item, item + 256),
      beneficiarySignature,
      fieldAgentSignature,
    });
  }
  return out;
}
