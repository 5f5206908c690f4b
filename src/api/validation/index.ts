export { validate, validated } from "./validate";
export { assertStrictObjects } from "./assertStrictObjects";
export { canonicalId } from "./canonicalId";
