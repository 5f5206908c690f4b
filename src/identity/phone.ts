import { ValidationError } from "../errors";
import { MAX_RAW_LENGTH, toAsciiDigits } from "./digits";

/** An Iranian phone number in national form: 11 digits starting with 0 (mobile 09…, landline 0XX…). */
export type PhoneNumber = string & { readonly __brand: "PhoneNumber" };

/**
 * Accepts Persian/Arabic digits, spaces, dashes, parentheses and the +98 / 0098 prefixes, so the same
 * number typed two ways is stored (encrypted) one way and an SMS gateway gets a dialable number.
 */
export function normalisePhone(raw: unknown, field = "phone"): PhoneNumber {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new ValidationError(field, "required", "Phone number is required");
  }
  if (raw.length > MAX_RAW_LENGTH) throw new ValidationError(field, "length", "Phone number is too long");
  let digits = toAsciiDigits(raw).replace(/[\s\u200c-\u200f()\-\u2010-\u2015]/gu, "");
  if (digits.startsWith("+98")) digits = "0" + digits.slice(3);
  else if (digits.startsWith("0098")) digits = "0" + digits.slice(4);
  if (!/^[0-9]+$/.test(digits))
    throw new ValidationError(field, "format", "Phone number may contain only digits");
  if (!/^0[0-9]{10}$/.test(digits)) {
    throw new ValidationError(field, "length", "Phone number must have 11 digits starting with 0");
  }
  return digits as PhoneNumber;
}
