import { z } from "zod";

/**
 * Household attributes the means test and programme rules look at. They are sensitive (the report
 * forbids disability and social-harm data from ever reaching marketers), so they are stored only in
 * the encrypted vault, never in a clear column.
 */

export const DISABILITIES = ["physical", "intellectual", "psychosocial", "sensory", "multiple"] as const;
export const SEVERITIES = ["mild", "moderate", "severe"] as const;
export const SOCIAL_HARMS = [
  "addiction",
  "domestic_violence",
  "homelessness",
  "imprisonment",
  "child_labour",
  "without_guardian",
] as const;

export type Disability = (typeof DISABILITIES)[number];
export type DisabilitySeverity = (typeof SEVERITIES)[number];
export type SocialHarm = (typeof SOCIAL_HARMS)[number];

/** The largest household one enrolment accepts; bigger ones are data errors in practice. */
export const MAX_HOUSEHOLD_SIZE = 30;

export const householdAttributesSchema = z
  .object({
    /** Type of the most significant disability in the household; absent means none. */
    disability: z.enum(DISABILITIES).optional(),
    disabilitySeverity: z.enum(SEVERITIES).optional(),
    socialHarms: z.array(z.enum(SOCIAL_HARMS)).max(SOCIAL_HARMS.length).optional(),
    /** Declared monthly household income in rials. */
    income: z.number().int().nonnegative().max(1e15).optional(),
    /** People living in the household, enrolled or not; defaults to the number of members enrolled. */
    size: z.number().int().min(1).max(MAX_HOUSEHOLD_SIZE).optional(),
    insured: z.boolean().optional(),
  })
  .strict()
  .refine((a) => a.disabilitySeverity === undefined || a.disability !== undefined, {
    message: "A disability severity needs a disability type",
    path: ["disabilitySeverity"],
  });

export type HouseholdAttributes = z.output<typeof householdAttributesSchema>;
