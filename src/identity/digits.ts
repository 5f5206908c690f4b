/**
 * Turns what people actually type into ASCII digits.
 *
 * Iranian forms arrive with Persian digits (۰-۹, U+06F0..06F9) from Persian keyboards, Arabic-Indic
 * digits (٠-٩, U+0660..0669) from Arabic layouts, ASCII digits, or a mix; people group digits with
 * spaces or dashes and editors slip in bidi marks and zero-width joiners. All of these are folded here
 * so one ID always normalises to one string (and so to one reference).
 */

const PERSIAN_ZERO = 0x06f0;
const ARABIC_INDIC_ZERO = 0x0660;

/** Separators people and editors put between digits: removed, never meaningful. */
const SEPARATORS =
  /[\s\u00a0\u2000-\u200f\u202a-\u202f\u2066-\u2069\u3000\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/gu;

/** Longest raw input looked at; anything longer is rejected before any work is done on it. */
export const MAX_RAW_LENGTH = 64;

/** Persian and Arabic-Indic digits to ASCII; other characters are left alone. */
export function toAsciiDigits(raw: string): string {
  let out = "";
  for (const ch of raw) {
    const code = ch.codePointAt(0)!;
    if (code >= PERSIAN_ZERO && code <= PERSIAN_ZERO + 9) out += String(code - PERSIAN_ZERO);
    else if (code >= ARABIC_INDIC_ZERO && code <= ARABIC_INDIC_ZERO + 9)
      out += String(code - ARABIC_INDIC_ZERO);
    else out += ch;
  }
  return out;
}

/**
 * Folds digits to ASCII and strips separators. Returns `undefined` when something other than digits
 * remains, so callers can report a format error without ever repeating the input.
 */
export function digitsOnly(raw: string): string | undefined {
  const folded = toAsciiDigits(raw).replace(SEPARATORS, "");
  return /^[0-9]*$/.test(folded) ? folded : undefined;
}

export type DigitsProblem = "required" | "format" | "length";

/** Normalises `raw` and requires exactly `length` digits: the shape of national IDs and postal codes. */
export function fixedDigits(
  raw: unknown,
  length: number,
): { ok: true; digits: string } | { ok: false; problem: DigitsProblem } {
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, problem: "required" };
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, problem: "length" };
  const digits = digitsOnly(raw);
  if (digits === undefined) return { ok: false, problem: "format" };
  if (digits.length !== length) return { ok: false, problem: "length" };
  return { ok: true, digits };
}
