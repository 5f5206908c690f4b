import { z } from "zod";
import { DuplicateError, ValidationError } from "../errors";
import { normalisePostalCode, type Ref } from "../identity";
import { householdAttributesSchema, MAX_HOUSEHOLD_SIZE, type HouseholdAttributes } from "./attributes";
import type { HouseholdContext } from "./context";
import {
  householdShapeProblems,
  normaliseMember,
  SHAPE_MESSAGES,
  withSize,
  type HouseholdDraft,
} from "./draft";
import { registerHousehold, type ConflictCode } from "./registerHousehold";
import { parseOrThrow } from "./zodErrors";

export interface EnrolMemberParams {
  /** National ID in Persian, Arabic-Indic or ASCII digits; spaces and dashes allowed. */
  nationalId: string;
  name?: string;
  phone?: string;
  /** A code from `JOB_CODES` or its Persian label. */
  jobCode: string;
  isHead: boolean;
}

export interface EnrolHouseholdParams {
  members: EnrolMemberParams[];
  postalCode: string;
  attributes?: HouseholdAttributes;
}

export interface EnrolHouseholdResult {
  householdRef: Ref;
  /** In the order the members were given. */
  members: { beneficiaryRef: Ref }[];
}

export const enrolHouseholdSchema = z
  .object({
    members: z
      .array(
        z
          .object({
            nationalId: z.string().max(64),
            name: z.string().max(200).optional(),
            phone: z.string().max(64).optional(),
            jobCode: z.string().max(64),
            isHead: z.boolean(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_HOUSEHOLD_SIZE),
    postalCode: z.string().max(64),
    attributes: householdAttributesSchema.optional(),
  })
  .strict();

const CONFLICT_MESSAGES: Record<ConflictCode | "already_enrolled", string> = {
  enrolled_elsewhere: "This person is already enrolled in another household",
  repeated_in_household: "This person is listed twice in the household",
  household_already_enrolled: "This household is already enrolled; new members need a review",
  already_enrolled: "This household is already enrolled",
};

/**
 * Enrols a household once: validates every field, refuses anyone already enrolled (409 naming the
 * field, never the ID), then writes the household, its members' refs and its encrypted personal data
 * in one transaction.
 */
export async function enrolHousehold(
  ctx: HouseholdContext,
  params: EnrolHouseholdParams,
  options: { enrolledBy?: string | null } = {},
): Promise<EnrolHouseholdResult> {
  const input = parseOrThrow(enrolHouseholdSchema, params);
  const members = input.members.map((m, i) => normaliseMember(m, (key) => `members[${i}].${key}`));
  const [problem] = householdShapeProblems(members);
  if (problem) {
    const field = problem.code === "missing_head" ? "members" : `members[${problem.index}].isHead`;
    throw new ValidationError(field, problem.code, SHAPE_MESSAGES[problem.code]);
  }
  const draft: HouseholdDraft = {
    members,
    postalCode: normalisePostalCode(input.postalCode, "postalCode"),
    attributes: withSize(input.attributes ?? {}, members.length, "attributes.size"),
  };

  const registration = ctx.store.transaction(() => registerHousehold(ctx, draft, options.enrolledBy ?? null));
  if (registration.outcome === "conflict") {
    const [first] = registration.conflicts;
    throw new DuplicateError(
      `members[${first!.index}].nationalId`,
      first!.code,
      CONFLICT_MESSAGES[first!.code],
    );
  }
  if (registration.outcome === "already_enrolled") {
    const head = members.findIndex((m) => m.isHead);
    throw new DuplicateError(
      `members[${head}].nationalId`,
      "already_enrolled",
      CONFLICT_MESSAGES.already_enrolled,
    );
  }
  return {
    householdRef: registration.householdRef,
    members: registration.beneficiaryRefs.map((beneficiaryRef) => ({ beneficiaryRef })),
  };
}
