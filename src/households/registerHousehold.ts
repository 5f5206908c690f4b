import type { MemberRecord } from "../db";
import { beneficiaryRef, householdRef, refCandidates, type Ref } from "../identity";
import type { HouseholdContext } from "./context";
import { toPii, type HouseholdDraft } from "./draft";
import { isSensitiveJob } from "./jobCodes";
import { indexMemberPhones } from "./phones/phoneIndex";

export type ConflictCode = "enrolled_elsewhere" | "repeated_in_household" | "household_already_enrolled";

export interface MemberConflict {
  /** Index of the member in the draft. */
  index: number;
  code: ConflictCode;
  beneficiaryRef: Ref;
  existingHouseholdRef: Ref | null;
}

export type Registration =
  | { outcome: "enrolled" | "already_enrolled"; householdRef: Ref; beneficiaryRefs: Ref[] }
  | { outcome: "conflict"; householdRef: Ref; beneficiaryRefs: Ref[]; conflicts: MemberConflict[] };

/**
 * Writes a validated household unless anyone in it is already known, and says what happened.
 * Shared by enrolment (which turns conflicts into a 409) and the CSV import (which turns them into
 * review items). Call it inside `store.transaction` so the household, its members, its vault record
 * and whatever the caller records beside them commit together or not at all.
 *
 * Existing people are looked up under every pepper the ring holds, so a pepper rotation does not
 * let someone enrol twice.
 */
export function registerHousehold(
  ctx: HouseholdContext,
  draft: HouseholdDraft,
  enrolledBy: string | null = null,
): Registration {
  const { store, peppers } = ctx;
  const head = draft.members.find((m) => m.isHead)!;
  const ref = householdRef(peppers, head.nationalId);
  const refs = draft.members.map((m) => beneficiaryRef(peppers, m.nationalId));

  const existingHousehold = store.households.findFirst(
    refCandidates(peppers, householdRef, head.nationalId, ref).map((c) => c.ref),
  );
  const existingMembers: (MemberRecord | undefined)[] = draft.members.map(
    (m, i) =>
      store.members.findByRefs(
        refCandidates(peppers, beneficiaryRef, m.nationalId, refs[i]).map((c) => c.ref),
      )[0],
  );

  const conflicts: MemberConflict[] = [];
  const seen = new Set<string>();
  draft.members.forEach((member, index) => {
    const conflict = (code: ConflictCode, existingHouseholdRef: string | null) =>
      conflicts.push({
        index,
        code,
        beneficiaryRef: refs[index]!,
        existingHouseholdRef: existingHouseholdRef as Ref | null,
      });
    const existing = existingMembers[index];
    if (seen.has(member.nationalId)) conflict("repeated_in_household", null);
    else if (existing && existing.householdRef !== existingHousehold?.householdRef)
      conflict("enrolled_elsewhere", existing.householdRef);
    else if (!existing && existingHousehold)
      conflict("household_already_enrolled", existingHousehold.householdRef);
    seen.add(member.nationalId);
  });
  if (conflicts.length > 0)
    return { outcome: "conflict", householdRef: ref, beneficiaryRefs: refs, conflicts };

  if (existingHousehold) {
    // Everyone is already in this very household: a repeat of an earlier enrolment, not a new one.
    return {
      outcome: "already_enrolled",
      householdRef: existingHousehold.householdRef as Ref,
      beneficiaryRefs: existingMembers.map((m) => m!.beneficiaryRef as Ref),
    };
  }

  const createdAt = ctx.now().toISOString();
  store.households.insert({
    householdRef: ref,
    pepperVersion: peppers.current,
    status: "active",
    sensitive: draft.members.some((m) => isSensitiveJob(m.jobCode)),
    createdAt,
    enrolledBy,
  });
  draft.members.forEach((member, index) =>
    store.members.insert({
      beneficiaryRef: refs[index]!,
      householdRef: ref,
      pepperVersion: peppers.current,
      role: member.isHead ? "head" : "member",
      jobCode: member.jobCode,
      createdAt,
    }),
  );
  ctx.vault.put(ref, toPii(draft, head.nationalId));
  indexMemberPhones(
    ctx,
    ref,
    draft.members.map((member, index) => ({ beneficiaryRef: refs[index]!, phone: member.phone })),
  );
  return { outcome: "enrolled", householdRef: ref, beneficiaryRefs: refs };
}
