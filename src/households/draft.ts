import { ValidationError } from "../errors";
import { normaliseNationalId, normalisePhone } from "../identity";
import type { NationalId, PhoneNumber, PostalCode } from "../identity";
import { MAX_HOUSEHOLD_SIZE, type HouseholdAttributes } from "./attributes";
import { parseJobCode, type JobCode } from "./jobCodes";
import { UNSAFE_TEXT_MESSAGES, unsafeTextProblem } from "./displayName";

/**
 * A household as both entry paths (the enrolment call and the CSV import) hand it to
 * `registerHousehold`: every identifier normalised and validated, nothing yet written.
 */
export interface MemberDraft {
  nationalId: NationalId;
  name?: string;
  phone?: PhoneNumber;
  jobCode: JobCode;
  isHead: boolean;
}

export interface HouseholdDraft {
  members: MemberDraft[];
  postalCode: PostalCode;
  attributes: HouseholdAttributes & { size: number };
}

/** What the vault keeps for a household: everything personal, encrypted under its data key. */
export interface HouseholdPii {
  /** The head's ID at enrolment, from which `householdRef` was derived; kept to recompute it. */
  householdKey: NationalId;
  postalCode: PostalCode;
  members: { nationalId: NationalId; name?: string; phone?: PhoneNumber }[];
  attributes: HouseholdAttributes & { size: number };
}

/** Raw member fields, as typed by a person or read from a CSV cell. */
export interface MemberFields {
  nationalId: unknown;
  name?: unknown;
  phone?: unknown;
  jobCode: unknown;
  isHead: boolean;
}

type MemberKey = "nationalId" | "name" | "phone" | "jobCode";

const MAX_NAME_LENGTH = 100;

function normaliseName(raw: unknown, field: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") throw new ValidationError(field, "invalid_type", "Name must be text");
  const name = raw.normalize("NFC").trim().replace(/\s+/g, " ");
  if (name === "") return undefined;
  if (name.length > MAX_NAME_LENGTH) throw new ValidationError(field, "too_big", "Name is too long");
  const unsafe = unsafeTextProblem(raw);
  if (unsafe) throw new ValidationError(field, unsafe, `Name ${UNSAFE_TEXT_MESSAGES[unsafe]}`);
  return name;
}

/**
 * Normalises one member; `field` names each key the way the caller's input spells it
 * (`members[2].nationalId` for the API, `national_id` for a CSV), so errors point at the right place.
 */
export function normaliseMember(input: MemberFields, field: (key: MemberKey) => string): MemberDraft {
  const member: MemberDraft = {
    nationalId: normaliseNationalId(input.nationalId, field("nationalId")),
    jobCode: parseJobCode(input.jobCode, field("jobCode")),
    isHead: input.isHead,
  };
  const name = normaliseName(input.name, field("name"));
  if (name !== undefined) member.name = name;
  if (input.phone !== undefined && input.phone !== null && input.phone !== "") {
    member.phone = normalisePhone(input.phone, field("phone"));
  }
  return member;
}

/** Problems of the household as a whole, by member index, so the CSV can pin them on a row. */
export type ShapeProblem = { index: number; code: "missing_head" | "multiple_heads" | "too_many_members" };

export function householdShapeProblems(members: readonly { isHead: boolean }[]): ShapeProblem[] {
  if (members.length > MAX_HOUSEHOLD_SIZE) return [{ index: MAX_HOUSEHOLD_SIZE, code: "too_many_members" }];
  const heads = members.flatMap((m, index) => (m.isHead ? [index] : []));
  if (heads.length === 0) return [{ index: 0, code: "missing_head" }];
  return heads.slice(1).map((index) => ({ index, code: "multiple_heads" as const }));
}

export const SHAPE_MESSAGES: Record<ShapeProblem["code"], string> = {
  missing_head: "A household needs exactly one head",
  multiple_heads: "A household has exactly one head",
  too_many_members: `A household has at most ${MAX_HOUSEHOLD_SIZE} members`,
};

/** Completes the attributes with the household size, which is at least the number enrolled. */
export function withSize(
  attributes: HouseholdAttributes,
  memberCount: number,
  field: string,
): HouseholdDraft["attributes"] {
  const size = attributes.size ?? memberCount;
  if (size < memberCount) {
    throw new ValidationError(
      field,
      "smaller_than_members",
      "Household size is smaller than the members listed",
    );
  }
  return { ...attributes, size };
}

export function toPii(draft: HouseholdDraft, householdKey: NationalId): HouseholdPii {
  return {
    householdKey,
    postalCode: draft.postalCode,
    members: draft.members.map(({ nationalId, name, phone }) => ({
      nationalId,
      ...(name !== undefined && { name }),
      ...(phone !== undefined && { phone }),
    })),
    attributes: draft.attributes,
  };
}
