import type { Interface } from "ethers";
import { addressWord, bytes32Word, bytesWords, selectorOf, uintWord } from "../chain/abiWords";
import type { DeliveryReceipt } from "../wallets";

/**
 * The calldata of `redeem(receipt, beneficiarySignature, fieldAgentSignature)`, exactly as
 * `ledger.encodeFunctionData("redeem", ...)` writes it, without the general ABI coder: the receipt is eight
 * static words, then the two `bytes` by offset. An acceptance writes one in its transaction, and the coder
 * was a tenth of an acceptance's time at volume.
 */
export function encodeRedeem(
  ledger: Interface,
  receipt: DeliveryReceipt,
  beneficiarySignature: string,
  fieldAgentSignature: string,
): string {
  return selectorOf(ledger, "redeem") + signedReceipt(receipt, beneficiarySignature, fieldAgentSignature);
}

/**
 * The calldata of `redeemBatch(items)`, exactly as `encodeRedeemBatch` (ethers' coder) writes it: the array's
 * offset and length, each item's offset from the first, then the items, each encoded as `redeem`'s
 * arguments are. The outbox's batching rewrites a batch each time it absorbs more receipts, and the coder
 * took a sixth of the gateway's CPU under load.
 */
export function encodeRedeemBatchCalldata(
  ledger: Interface,
  items: readonly { receipt: DeliveryReceipt; beneficiarySignature: string; fieldAgentSignature: string }[],
): string {
  const bodies = items.map((item) =>
    signedReceipt(item.receipt, item.beneficiarySignature, item.fieldAgentSignature),
  );
  let offset = 32 * bodies.length;
  const offsets = bodies.map((body) => {
    const at = offset;
    offset += body.length / 2;
    return uintWord(BigInt(at));
  });
  return (
    selectorOf(ledger, "redeemBatch") +
    uintWord(32n) +
    uintWord(BigInt(bodies.length)) +
    offsets.join("") +
    bodies.join("")
  );
}

/**
 * The (programme, household, nonce) of each receipt in a `redeemBatch` calldata, in item order, read from
 * the words `encodeRedeemBatchCalldata` wrote, without decoding the signatures.
 */
export function batchReceiptKeys(
  data: string,
): { programmeId: number; householdRef: string; nonce: string }[] {
  const wordAt = (byte: number) => data.slice(10 + 2 * byte, 10 + 2 * byte + 64);
  const array = Number(BigInt(`0x${wordAt(0)}`));
  const count = Number(BigInt(`0x${wordAt(array)}`));
  const first = array + 32;
  const keys = [];
  for (let index = 0; index < count; index++) {
    const item = first + Number(BigInt(`0x${wordAt(first + 32 * index)}`));
    keys.push({
      programmeId: Number(BigInt(`0x${wordAt(item)}`)),
      householdRef: `0x${wordAt(item + 64)}`,
      nonce: BigInt(`0x${wordAt(item + 192)}`).toString(),
    });
  }
  return keys;
}

/** One `SignedReceipt` tuple: the receipt's eight words, the two offsets, then the two `bytes`. */
function signedReceipt(receipt: DeliveryReceipt, beneficiarySignature: string, fieldAgentSignature: string) {
  const first = hexBody(beneficiarySignature, "beneficiarySignature");
  const second = hexBody(fieldAgentSignature, "fieldAgentSignature");
  const head = 10 * 32;
  const firstSize = 32 + padded(first.length / 2);
  return (
    uintWord(receipt.programmeId) +
    bytes32Word(receipt.beneficiaryRef, "beneficiaryRef") +
    bytes32Word(receipt.householdRef, "householdRef") +
    addressWord(receipt.vendor, "vendor") +
    uintWord(receipt.amount) +
    bytes32Word(receipt.evidenceHash, "evidenceHash") +
    uintWord(receipt.nonce) +
    uintWord(receipt.deadline) +
    uintWord(BigInt(head)) +
    uintWord(BigInt(head + firstSize)) +
    bytesWords(first) +
    bytesWords(second)
  );
}

const padded = (size: number) => Math.ceil(size / 32) * 32;

function hexBody(value: string, name: string): string {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw new TypeError(`${name} is not 0x-prefixed hex bytes`);
  return value.slice(2).toLowerCase();
}
