import type { Interface } from "ethers";
import { bytes32Word, selectorOf, uintWord } from "../chain/abiWords";

/**
 * The calldata of `issueBatch(programmeId, beneficiaryRefs, householdRefs, amount)`, exactly as
 * `ledger.encodeFunctionData("issueBatch", ...)` writes it: four head words (the two arrays by offset),
 * then each array as its length and its words. A disbursement writes one per 500 households; the general
 * coder's copies were most of a million-household disbursement's encoding time and memory.
 */
export function encodeIssueBatch(
  ledger: Interface,
  programmeId: number,
  beneficiaryRefs: readonly string[],
  householdRefs: readonly string[],
  amount: bigint,
): string {
  if (amount >= 1n << 96n) throw new RangeError("amount is out of range for a uint96");
  const head = 4 * 32;
  const parts = [
    selectorOf(ledger, "issueBatch"),
    uintWord(BigInt(programmeId)),
    uintWord(BigInt(head)),
    uintWord(BigInt(head + 32 * (1 + beneficiaryRefs.length))),
    uintWord(amount),
    uintWord(BigInt(beneficiaryRefs.length)),
  ];
  for (const ref of beneficiaryRefs) parts.push(bytes32Word(ref, "beneficiaryRef"));
  parts.push(uintWord(BigInt(householdRefs.length)));
  for (const ref of householdRefs) parts.push(bytes32Word(ref, "householdRef"));
  return parts.join("");
}
