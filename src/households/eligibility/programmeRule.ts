import { z } from "zod";
import {
  SEVERITIES,
  SOCIAL_HARMS,
  type Disability,
  type DisabilitySeverity,
  type SocialHarm,
} from "../attributes";
import { JOB_CODE_LIST, JOB_CODES, type JobCode } from "../jobCodes";

/**
 * A programme's eligibility rule, as a regulator or charity writes it: data, not code, so it can be
 * stored, shown and checked. A household is in the target population when it satisfies every
 * predicate of at least one target group; then, if the rule has `meansTestMax`, its means-test score
 * must not exceed it.
 */

/** What a household looks like to the rules: attributes and job codes, no identifiers. */
export interface EligibilityProfile {
  size: number;
  headJobCode: JobCode;
  memberJobCodes: JobCode[];
  disability?: Disability;
  disabilitySeverity?: DisabilitySeverity;
  socialHarms: SocialHarm[];
  income?: number;
  insured?: boolean;
}

const jobList = z.array(z.enum(JOB_CODES)).min(1).max(JOB_CODES.length);

export const predicateSchema = z.discriminatedUnion("attribute", [
  z.object({ attribute: z.literal("disability"), present: z.boolean() }).strict(),
  z.object({ attribute: z.literal("disabilitySeverity"), atLeast: z.enum(SEVERITIES) }).strict(),
  z.object({ attribute: z.literal("socialHarms"), anyOf: z.array(z.enum(SOCIAL_HARMS)).min(1) }).strict(),
  z.object({ attribute: z.literal("insured"), equals: z.boolean() }).strict(),
  z
    .object({
      attribute: z.literal("size"),
      min: z.number().int().min(1).optional(),
      max: z.number().int().min(1).optional(),
    })
    .strict()
    .refine((p) => p.min !== undefined || p.max !== undefined, {
      message: "A size predicate needs min or max",
    }),
  z.object({ attribute: z.literal("headJob"), anyOf: jobList }).strict(),
  z.object({ attribute: z.literal("memberJob"), anyOf: jobList }).strict(),
  z.object({ attribute: z.literal("headEarnsIncome"), equals: z.boolean() }).strict(),
]);

export const programmeRuleSchema = z
  .object({
    id: z.string().min(1).max(100),
    layer: z.enum(["relief", "support", "insurance"]),
    category: z.string().min(1).max(100),
    /** An empty `all` means every household is in that group. */
    targetGroups: z
      .array(z.object({ name: z.string().min(1).max(100), all: z.array(predicateSchema).max(20) }).strict())
      .min(1)
      .max(20),
    /** Highest means-test score (0 = no means … 100 = ample means) the programme accepts. */
    meansTestMax: z.number().min(0).max(100).optional(),
  })
  .strict();

export type Predicate = z.output<typeof predicateSchema>;
export type ProgrammeRule = z.output<typeof programmeRuleSchema>;
export type TargetGroup = ProgrammeRule["targetGroups"][number];

const words = (s: string) => s.replace(/_/g, " ");
const either = (items: readonly string[]) =>
  items.length === 1 ? items[0]! : `${items.slice(0, -1).join(", ")} or ${items.at(-1)!}`;
const jobs = (codes: readonly JobCode[]) => either(codes.map((c) => JOB_CODE_LIST[c].label));
const earns = (code: JobCode) => JOB_CODE_LIST[code].earnsIncome;

/** The predicate as a requirement in plain words, e.g. "a member has a disability". */
export function describePredicate(p: Predicate): string {
  switch (p.attribute) {
    case "disability":
      return p.present ? "a member has a disability" : "no member has a disability";
    case "disabilitySeverity":
      return `a disability of at least ${p.atLeast} severity`;
    case "socialHarms":
      return `the household faces ${p.anyOf.length === 1 ? "" : "one of "}${either(p.anyOf.map(words))}`;
    case "insured":
      return p.equals ? "the household is insured" : "the household is not insured";
    case "size":
      if (p.min !== undefined && p.max !== undefined) return `the household has ${p.min} to ${p.max} people`;
      return p.min !== undefined
        ? `the household has at least ${p.min} people`
        : `the household has at most ${p.max} people`;
    case "headJob":
      return `the head of household is ${jobs(p.anyOf)}`;
    case "memberJob":
      return `a member is ${jobs(p.anyOf)}`;
    case "headEarnsIncome":
      return p.equals
        ? "the head of household has earned income"
        : "the head of household has no earned income";
  }
}

/** True, false, or undefined when the household did not declare what the predicate looks at. */
export function testPredicate(p: Predicate, h: EligibilityProfile): boolean | undefined {
  switch (p.attribute) {
    case "disability":
      return (h.disability !== undefined) === p.present;
    case "disabilitySeverity":
      return h.disabilitySeverity === undefined
        ? false
        : SEVERITIES.indexOf(h.disabilitySeverity) >= SEVERITIES.indexOf(p.atLeast);
    case "socialHarms":
      return h.socialHarms.some((harm) => p.anyOf.includes(harm));
    case "insured":
      return h.insured === undefined ? undefined : h.insured === p.equals;
    case "size":
      return (p.min === undefined || h.size >= p.min) && (p.max === undefined || h.size <= p.max);
    case "headJob":
      return p.anyOf.includes(h.headJobCode);
    case "memberJob":
      return h.memberJobCodes.some((code) => p.anyOf.includes(code));
    case "headEarnsIncome":
      return earns(h.headJobCode) === p.equals;
  }
}
