import { z } from "zod";

/**
 * A numeric id in a path or query: canonical decimal only (`4`; never `04`, `0x4`, ` 4`, `4.0`, `1e0`),
 * so one resource has one URL. At most 2^53 - 1, the largest safe integer of a JSON number.
 */
export const canonicalId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/)
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));
