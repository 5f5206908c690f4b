import { encodeBytes32String, decodeBytes32String } from "ethers";
import { z } from "zod";
import { ValidationError } from "../errors";

const ZERO = "0x" + "0".repeat(64);

/**
 * An earmark purpose: lower-case letters in hyphen-joined words, at most 31 characters. No digit can
 * appear, so no national ID, phone number or postal code can be written as an earmark.
 */
export const EARMARK_PURPOSE = z
  .string()
  .trim()
  .max(31)
  .regex(/^[a-z]+(-[a-z]+)*$/, { message: "must be lower-case words joined by hyphens" });

/**
 * The earmark as the ledger stores it: the purpose itself as a bytes32 string (so anyone reading the chain
 * sees what the gift is for), or zero for none. Only a purpose from the programme's own list is accepted.
 */
export function earmarkWord(purposes: readonly string[], earmark: string): string {
  if (earmark === "") return ZERO;
  if (!purposes.includes(earmark)) {
    throw new ValidationError(
      "earmark",
      "not_a_purpose",
      "The earmark must be one of the programme's purposes (see its earmarks), or empty.",
    );
  }
  return encodeBytes32String(earmark);
}

/** The purpose a GiftReceived event's earmark names, or null. */
export function earmarkPurpose(word: string): string | null {
  if (word === ZERO) return null;
  try {
    return decodeBytes32String(word);
  } catch {
    return null;
  }
}
