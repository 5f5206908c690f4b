/** Input rules every room shares: parse with a zod schema, or refuse naming the field and the rule, never the value. */
export { parseInput, type InputSource } from "./parseInput";
export { describeIssue, formatPath } from "./describeIssue";
