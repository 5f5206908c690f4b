/** ASCII, Arabic-Indic (U+0660..) and Persian/Extended Arabic-Indic (U+06F0..) digits. */
const DIGIT = "[0-9\\u0660-\\u0669\\u06F0-\\u06F9]";

/**
 * Identifiers the gateway logs on purpose, which often contain ten decimal digits in a row: 0x-hex
 * (transaction hashes, addresses), long hex with at least one letter (HMAC references, digests) and
 * UUIDs (request ids). Nobody writes a national ID in these forms, so they are left intact.
 */
const KEPT = String.raw`0x[0-9a-fA-F]+|\b(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{32,}\b|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`;
const KEPT_WHOLE = new RegExp(`^(?:${KEPT})$`);

/**
 * A run of ten or more digits (an Iranian national ID is ten; phone and card numbers are longer) or the
 * dashed `123-456789-0` form. The kept forms come first in the alternation so that a scan consumes
 * them whole before it could match a digit run inside them.
 */
const SENSITIVE = new RegExp(`${KEPT}|${DIGIT}{10,}|${DIGIT}{3}-${DIGIT}{6}-${DIGIT}`, "g");

export const TEXT_MASK = "[redacted]";

/** Masks anything in free text that could be a national ID, whatever digits it is written in. */
export function redactText(text: string): string {
  return text.replace(SENSITIVE, (match) => (KEPT_WHOLE.test(match) ? match : TEXT_MASK));
}

/** A JSON string literal, or a JSON number. Strings come first so digits inside them are not numbers. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const LONG_NUMBER = /\d{10,}/;

/**
 * Applies `redactText` to every string in one serialized JSON log line, and replaces numbers with ten
 * or more digits by a masked string, so an ID logged as a number is caught too and the line stays
 * valid JSON. This is the last line of defence behind pino's path redaction: whatever a developer
 * logs by mistake (an error message quoting input, a raw URL), no ID-like run leaves the process.
 */
export function redactJsonLine(line: string): string {
  return line.replace(JSON_TOKEN, (token) => {
    if (token.startsWith('"')) return redactText(token);
    return LONG_NUMBER.test(token) ? `"${TEXT_MASK}"` : token;
  });
}
