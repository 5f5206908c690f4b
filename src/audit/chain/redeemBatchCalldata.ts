import { keccakBytes, keccakInto } from "./keccak";
import type { SubmittedReceipt } from "./readReceipts";

const RECEIPT_TYPEHASH = Buffer.from(
  keccakBytes(
    Buffer.from(
      "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor," +
        "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)",
    ),
  ),
);

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString("hex")}`;

/**
 * `redeemBatch(SignedReceipt[])` calldata read word by word, each receipt's digest hashed from its own eight
 * calldata words: the general ABI decoder and a digest rebuilt from hex strings took most of an audit's read
 * time. Layout (ABI head/tail): the array's offset; at it, the length and one offset per item (relative to
 * the first offset); each item holds the receipt's 8 words, then the offsets of its two `bytes` (relative
 * to the item), each a length word and the padded bytes. An offset out of bounds throws, like the ABI decoder.
 */
export function decodeRedeemBatch(
  input: string,
  separator: string,
  sender: string,
): [string, SubmittedReceipt][] {
  const data = Buffer.from(input.slice(10), "hex");
  const word = (at: number): number => {
    if (at + 32 > data.length) throw new Error("redeemBatch calldata out of bounds");
    return Number(data.readBigUInt64BE(at + 24));
  };
  const bytesAt = (at: number): string => {
    const length = word(at);
    if (at + 32 + length > data.length) throw new Error("redeemBatch calldata out of bounds");
    return hex(data.subarray(at + 32, at + 32 + length));
  };
  const big = (at: number): bigint => BigInt(hex(data.subarray(at, at + 32)));
  // 0x1901 ‖ domain ‖ structHash, and typehash ‖ the receipt's 8 words: each hashed in place.
  const outer = new Uint8Array(66);
  outer.set([0x19, 0x01]);
  outer.set(Buffer.from(separator.slice(2), "hex"), 2);
  const struct = new Uint8Array(288);
  struct.set(RECEIPT_TYPEHASH);
  const digestBytes = new Uint8Array(32);
  const arrayAt = word(0);
  const count = word(arrayAt);
  const heads = arrayAt + 32;
  const out: [string, SubmittedReceipt][] = [];
  for (let i = 0; i < count; i++) {
    const item = heads + word(heads + i * 32);
    if (item + 320 > data.length) throw new Error("redeemBatch calldata out of bounds");
    struct.set(data.subarray(item, item + 256), 32);
    keccakInto(struct, 0, 288, outer, 34);
    const digest = hex(keccakInto(outer, 0, 66, digestBytes, 0));
    out.push([
      digest,
      {
        receipt: {
          programmeId: big(item),
          beneficiaryRef: hex(data.subarray(item + 32, item + 64)),
          householdRef: hex(data.subarray(item + 64, item + 96)),
          vendor: hex(data.subarray(item + 108, item + 128)),
          amount: big(item + 128),
          evidenceHash: hex(data.subarray(item + 160, item + 192)),
          nonce: big(item + 192),
          deadline: big(item + 224),
        },
        beneficiarySignature: bytesAt(item + word(item + 256)),
        fieldAgentSignature: bytesAt(item + word(item + 288)),
        sender,
      },
    ]);
  }
  return out;
}
