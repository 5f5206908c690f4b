import { GoneError, NotFoundError } from "../../errors";
import type { Ref } from "../../identity";
import type { HouseholdContext } from "../context";
import type { HouseholdPii } from "../draft";
import type { JobCode } from "../jobCodes";
import { parseOrThrow } from "../zodErrors";
import { evaluateEligibility, type EligibilityResult } from "./evaluateEligibility";
import type { MeansTestParams } from "./meansTest";
import { programmeRuleSchema, type EligibilityProfile, type ProgrammeRule } from "./programmeRule";

export interface AssessEligibilityParams {
  householdRef: string;
  /** Validated here, so a rule straight from a request body is fine. */
  programme: ProgrammeRule;
  meansTest?: MeansTestParams;
}

export interface AssessEligibilityResult extends EligibilityResult {
  householdRef: Ref;
  programmeId: string;
}

/**
 * Decides whether an enrolled household is eligible for a programme. Reads the household's
 * attributes from the vault (they are never stored in clear) and answers with refs and plain-word
 * reasons only.
 */
export async function assessEligibility(
  ctx: HouseholdContext,
  params: AssessEligibilityParams,
): Promise<AssessEligibilityResult> {
  const programme = parseOrThrow(programmeRuleSchema, params.programme, "programme");
  const household = ctx.store.households.get(params.householdRef);
  if (!household) throw new NotFoundError("householdRef", "No household has this reference");
  if (household.status === "shredded")
    throw new GoneError("householdRef", "This household's personal data was erased");

  const members = ctx.store.members.listByHousehold(household.householdRef);
  const { attributes } = ctx.vault.get<HouseholdPii>(household.householdRef);
  const profile: EligibilityProfile = {
    size: attributes.size,
    headJobCode: members.find((m) => m.role === "head")!.jobCode as JobCode,
    memberJobCodes: members.map((m) => m.jobCode as JobCode),
    socialHarms: attributes.socialHarms ?? [],
    ...(attributes.disability !== undefined && { disability: attributes.disability }),
    ...(attributes.disabilitySeverity !== undefined && { disabilitySeverity: attributes.disabilitySeverity }),
    ...(attributes.income !== undefined && { income: attributes.income }),
    ...(attributes.insured !== undefined && { insured: attributes.insured }),
  };
  return {
    householdRef: household.householdRef as Ref,
    programmeId: programme.id,
    ...evaluateEligibility(profile, programme, params.meansTest),
  };
}
