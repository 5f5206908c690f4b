import { nationalIdCheckDigit, type NationalId } from "./nationalId";

/**
 * A valid-looking national ID made from a counter, for tests, samples and benchmarks. The 9-digit
 * body comes from `seed` spread by a multiplier coprime to 10^9, so consecutive seeds give unrelated
 * bodies; the check digit is computed with the real rule. Distinct seeds below 10^9 give distinct IDs.
 */
export function syntheticNationalId(seed: number): NationalId {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 1e9)
    throw new RangeError("seed must be in [0, 1e9)");
  const body = String((BigInt(seed) * 387_420_489n + 123_456_789n) % 1_000_000_000n).padStart(9, "0");
  const id = body + String(nationalIdCheckDigit(body));
  // A body of one repeated digit would be rejected as a placeholder; step past it.
  return /^(\d)\1{9}$/.test(id) ? syntheticNationalId((seed + 1) % 1e9) : (id as NationalId);
}
