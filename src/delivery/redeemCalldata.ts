import type { Interface } from "ethers";
import type { DeliveryReceipt } from "../wallets";

const selectors = new WeakMap<Interface, string>();

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
  let selector = selectors.get(ledger);
  if (selector === undefined) selectors.set(ledger, (selector = ledger.getFunction("redeem")!.selector));
  const first = hexBody(beneficiarySignature, "beneficiarySignature");
  const second = hexBody(fieldAgentSignature, "fieldAgentSignature");
  const head = 10 * 32;
  const firstSize = 32 + padded(first.length / 2);
  return (
    selector +
    uint(receipt.programmeId) +
    word(receipt.beneficiaryRef, "beneficiaryRef") +
    word(receipt.householdRef, "householdRef") +
    address(receipt.vendor) +
    uint(receipt.amount) +
    word(receipt.evidenceHash, "evidenceHash") +
    uint(receipt.nonce) +
    uint(receipt.deadline) +
    uint(BigInt(head)) +
    uint(BigInt(head + firstSize)) +
    bytes(first) +
    bytes(second)
  );
}

const padded = (size: number) => Math.ceil(size / 32) * 32;

function hexBody(value: string, name: string): string {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw new TypeError(`${name} is not 0x-prefixed hex bytes`);
  return value.slice(2).toLowerCase();
}

function uint(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new RangeError("a uint256 is out of range");
  return value.toString(16).padStart(64, "0");
}

function word(value: string, name: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new TypeError(`${name} is not a bytes32`);
  return value.slice(2).toLowerCase();
}

function address(value: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new TypeError("vendor is not an address");
  return value.slice(2).toLowerCase().padStart(64, "0");
}

function bytes(body: string): string {
  return uint(BigInt(body.length / 2)) + body.padEnd(padded(body.length / 2) * 2, "0");
}
