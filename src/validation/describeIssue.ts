import type { z } from "zod";
import { redactText } from "../logging/redactText";

type Issue = z.core.$ZodIssue;

/** Object keys we are willing to repeat back: identifiers, not data a client put in a key position. */
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `["members", 0, "nationalId"]` → `members[0].nationalId`. Unsafe keys become `[?]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && SAFE_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += "[?]";
  }
  return out;
}

/**
 * The field at fault and a message describing the rule it broke. Messages are built from the schema
 * (expected type, bounds, allowed values) and never from the input, so a national ID sent in the
 * wrong place is not echoed back. Only `custom` issues use their author's message, masked anyway.
 */
export function describeIssue(issue: Issue, input: unknown): { path: readonly PropertyKey[]; rule: string } {
  switch (issue.code) {
    case "invalid_type":
      return {
        path: issue.path,
        rule:
          valueAt(input, issue.path) === undefined ? "is required" : `must be ${withArticle(issue.expected)}`,
      };
    case "unrecognized_keys":
      return { path: [...issue.path, issue.keys[0]], rule: "is not an allowed field" };
    case "too_small":
      return {
        path: issue.path,
        rule: boundRule("at least", "more than", issue.origin, issue.minimum, issue.inclusive),
      };
    case "too_big":
      return {
        path: issue.path,
        rule: boundRule("at most", "less than", issue.origin, issue.maximum, issue.inclusive),
      };
    case "invalid_format":
      return { path: issue.path, rule: formatRule(issue.format) };
    case "not_multiple_of":
      return { path: issue.path, rule: `must be a multiple of ${issue.divisor}` };
    case "invalid_value":
      return {
        path: issue.path,
        rule:
          issue.values.length === 1
            ? `must be ${JSON.stringify(issue.values[0])}`
            : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "invalid_union":
      return { path: issue.path, rule: "does not match any accepted form" };
    case "invalid_key":
      return { path: issue.path, rule: "has an invalid key" };
    case "invalid_element":
      return { path: issue.path, rule: "has an invalid element" };
    case "custom":
      return { path: issue.path, rule: redactText(issue.message) };
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function withArticle(type: string): string {
  const names: Record<string, string> = { int: "an integer", array: "an array", object: "an object" };
  return names[type] ?? `a ${type}`;
}

function boundRule(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  bound: number | bigint,
  inclusive: boolean | undefined,
): string {
  const comparison = inclusive === false ? exclusiveWord : inclusiveWord;
  const unit = { string: "character", array: "item", set: "item", file: "byte" }[origin];
  if (!unit) return `must be ${comparison} ${bound}`;
  return `must have ${comparison} ${bound} ${unit}${Number(bound) === 1 ? "" : "s"}`;
}

function formatRule(format: string): string {
  if (format === "regex") return "has an invalid format";
  if (format === "starts_with" || format === "ends_with" || format === "includes")
    return "has an invalid format";
  return `must be a valid ${format}`;
}
