export { validate, validated } from "./validate";
export { parseInput, type InputSource } from "./parseInput";
export { assertStrictObjects } from "./assertStrictObjects";
export { canonicalId } from "./canonicalId";
