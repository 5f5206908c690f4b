import { formatUnits, parseUnits } from "ethers";
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

export function fromUnits(units: bigint, decimals: number): string {
  const text = formatUnits(units, decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}
