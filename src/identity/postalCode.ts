import { ValidationError } from "../errors";
import { fixedDigits, type DigitsProblem } from "./digits";

/** An Iranian postal code (کد پستی): ten ASCII digits after normalisation. */
export type PostalCode = string & { readonly __brand: "PostalCode" };

export type PostalCodeProblem = DigitsProblem;

const MESSAGES: Record<PostalCodeProblem, string> = {
  required: "Postal code is required",
  format: "Postal code may contain only digits, spaces and dashes",
  length: "Postal code must have exactly 10 digits",
};

export function checkPostalCode(
  raw: unknown,
): { ok: true; value: PostalCode } | { ok: false; problem: PostalCodeProblem } {
  const shape = fixedDigits(raw, 10);
  if (!shape.ok) return shape;
  return { ok: true, value: shape.digits as PostalCode };
}

/** Normalises a postal code, throwing a `ValidationError` that names `field` but not the value. */
export function normalisePostalCode(raw: unknown, field = "postalCode"): PostalCode {
  const result = checkPostalCode(raw);
  if (!result.ok) throw new ValidationError(field, result.problem, MESSAGES[result.problem]);
  return result.value;
}
