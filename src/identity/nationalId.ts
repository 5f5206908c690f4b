import { ValidationError } from "../errors";
import { fixedDigits, type DigitsProblem } from "./digits";

/** A national ID (کد ملی) that passed normalisation and the check digit: ten ASCII digits. */
export type NationalId = string & { readonly __brand: "NationalId" };

/** Why a national ID was refused; stable codes for the API and the import's per-row results. */
export type NationalIdProblem = DigitsProblem | "repeated_digits" | "checksum";

const MESSAGES: Record<NationalIdProblem, string> = {
  required: "National ID is required",
  format: "National ID may contain only digits, spaces and dashes",
  length: "National ID must have exactly 10 digits",
  repeated_digits: "National ID is not a valid number",
  checksum: "National ID check digit does not match",
};

/**
 * The Iranian check digit of a 9-digit body: weights 10..2, s = sum mod 11, check = s < 2 ? s : 11 - s.
 * Exported so synthetic test IDs are built with the same rule they are checked with.
 */
export function nationalIdCheckDigit(body: string): number {
  if (!/^[0-9]{9}$/.test(body)) throw new RangeError("body must be 9 ASCII digits");
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  const s = sum % 11;
  return s < 2 ? s : 11 - s;
}

/** Normalises and checks; returns the problem instead of throwing, for bulk paths like the CSV import. */
export function checkNationalId(
  raw: unknown,
): { ok: true; value: NationalId } | { ok: false; problem: NationalIdProblem } {
  const shape = fixedDigits(raw, 10);
  if (!shape.ok) return shape;
  const { digits } = shape;
  // 1111111111 and friends pass the checksum arithmetic but are placeholders, never issued.
  if (/^(\d)\1{9}$/.test(digits)) return { ok: false, problem: "repeated_digits" };
  if (nationalIdCheckDigit(digits.slice(0, 9)) !== Number(digits[9]))
    return { ok: false, problem: "checksum" };
  return { ok: true, value: digits as NationalId };
}

/** Normalises and checks a national ID, throwing a `ValidationError` that names `field` but not the value. */
export function normaliseNationalId(raw: unknown, field = "nationalId"): NationalId {
  const result = checkNationalId(raw);
  if (!result.ok) throw nationalIdError(field, result.problem);
  return result.value;
}

export function nationalIdError(field: string, problem: NationalIdProblem): ValidationError {
  return new ValidationError(field, problem, MESSAGES[problem]);
}

/** True when `raw` normalises to a valid national ID. */
export function isValidNationalId(raw: unknown): boolean {
  return checkNationalId(raw).ok;
}
