/**
 * Characters a displayed name must not carry: control characters (C0, DEL, C1, NUL among them) and the
 * bidirectional controls (embeddings, overrides, isolates and the implicit marks), which can make one
 * name display as another ("Charity\u202Eytirahc" shows reversed). Joiners used by Persian script (ZWNJ
 * U+200C, ZWJ U+200D) stay allowed.
 */
const CONTROL = /\p{Cc}/u;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export type UnsafeTextProblem = "control_character" | "bidi_control";

/** What makes `text` unsafe to display as a name, or null. */
export function unsafeTextProblem(text: string): UnsafeTextProblem | null {
  if (CONTROL.test(text)) return "control_character";
  if (BIDI_CONTROL.test(text)) return "bidi_control";
  return null;
}

export const UNSAFE_TEXT_MESSAGES: Record<UnsafeTextProblem, string> = {
  control_character: "contains a control character",
  bidi_control: "contains a bidirectional control character (U+202A–U+202E, U+2066–U+2069, marks)",
};
