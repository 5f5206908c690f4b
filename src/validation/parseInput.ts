import type { z } from "zod";
import { ValidationError } from "../errors";
import { describeIssue, formatPath } from "./describeIssue";

export type InputSource = "body" | "query" | "params";

const FIELD_WORDS: Record<InputSource, string> = {
  body: "Field",
  query: "Query parameter",
  params: "Path parameter",
};
const WHOLE_WORDS: Record<InputSource, string> = {
  body: "The request body",
  query: "The query",
  params: "The path",
};

/**
 * Parses `value` with `schema` or throws a 400 `ValidationError` naming the first failing field
 * (`members[0].nationalId`) and the rule it broke, never the submitted value.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source?: InputSource,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const { path, rule } = describeIssue(issue, value);
  const field = formatPath(path);
  if (!field) {
    throw new ValidationError(
      source ?? "input",
      issue.code,
      `${source ? WHOLE_WORDS[source] : "The input"} ${rule}`,
    );
  }
  throw new ValidationError(field, issue.code, `${FIELD_WORDS[source ?? "body"]} ${field} ${rule}`);
}
