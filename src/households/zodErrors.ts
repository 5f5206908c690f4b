import type { z } from "zod";
import { ValidationError } from "../errors";

/** Our own short messages: zod's defaults are fine today, but we never want a received value echoed. */
const MESSAGES: Partial<Record<string, string>> = {
  invalid_type: "has the wrong type",
  invalid_value: "is not one of the allowed values",
  too_small: "is too small or too short",
  too_big: "is too large or too long",
  unrecognized_keys: "has a field this endpoint does not know",
  invalid_format: "has the wrong format",
};

const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `["members", 0, "jobCode"]` → `members[0].jobCode`. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "body" : out;
}

/**
 * Parses with `schema`, turning the first issue into a `ValidationError` naming its field;
 * `rename` maps the field to the caller's vocabulary (a CSV column rather than an API path).
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = "",
  rename: (field: string) => string = (field) => field,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown field is named, as the rest of the API does, when its key looks like a field name and
  // not like data a client put in a key position.
  const unknownKey =
    issue.code === "unrecognized_keys" && SAFE_KEY.test(issue.keys[0] ?? "") ? issue.keys[0]! : undefined;
  const field = rename(
    fieldPath(prefix, unknownKey === undefined ? issue.path : [...issue.path, unknownKey]),
  );
  // Refinements carry messages we wrote ourselves; built-in issues get a fixed sentence.
  const message =
    issue.code === "custom"
      ? issue.message
      : unknownKey !== undefined
        ? `${field} is not an allowed field`
        : `${field} ${MESSAGES[issue.code] ?? "is invalid"}`;
  throw new ValidationError(field, issue.code, message);
}
