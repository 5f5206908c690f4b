import type { DisabilitySeverity } from "../attributes";
import { JOB_CODE_LIST } from "../jobCodes";
import type { EligibilityProfile } from "./programmeRule";

/**
 * Means test (آزمون وسع): a score from 0 (no means at all) to 100 (ample means), built from the
 * report's prioritisation indicators: income, household size, disability, the head of household's
 * situation and insurance. Lower means more need; a programme accepts households up to its limit.
 *
 *   income ratio  r = (monthly household income / household size) / poverty line per person
 *   base          = min(100, round(50 × r))          50 at the poverty line, 100 at twice it
 *   disability    mild −5, moderate −10, severe −15   (type given without severity: −10)
 *   head          −10 when the head has no earned income (pupil, student, conscript, unemployed, homemaker)
 *   social harms  −5 each, at most −10
 *   insurance     −5 when declared uninsured
 *   size          −2 per person above 4, at most −10  (costs per person do not fall as fast as r assumes)
 *   score         = clamp(base + adjustments, 0, 100)
 *
 * Without a declared income there is no score: the test cannot be applied, and saying so is better
 * than guessing.
 */
export interface MeansTestParams {
  /** Monthly poverty line per person, in rials; set by the regulator. */
  povertyLinePerPerson: number;
}

/** A placeholder the regulator's configuration should override. */
export const DEFAULT_MEANS_TEST_PARAMS: MeansTestParams = { povertyLinePerPerson: 35_000_000 };

export interface MeansTestFactor {
  /** Plain words, no figures about the household beyond its size. */
  reason: string;
  points: number;
}

export interface MeansTestResult {
  score: number | null;
  factors: MeansTestFactor[];
}

const DISABILITY_POINTS: Record<DisabilitySeverity, number> = { mild: -5, moderate: -10, severe: -15 };

function incomeBand(ratio: number): string {
  if (ratio < 0.5) return "income per person is below half the poverty line";
  if (ratio < 1) return "income per person is below the poverty line";
  if (ratio < 2) return "income per person is between one and two times the poverty line";
  return "income per person is at least twice the poverty line";
}

export function meansTestScore(
  profile: EligibilityProfile,
  params: MeansTestParams = DEFAULT_MEANS_TEST_PARAMS,
): MeansTestResult {
  if (profile.income === undefined) return { score: null, factors: [] };
  const ratio = profile.income / profile.size / params.povertyLinePerPerson;
  const factors: MeansTestFactor[] = [
    { reason: incomeBand(ratio), points: Math.min(100, Math.round(50 * ratio)) },
  ];

  if (profile.disability !== undefined) {
    const severity = profile.disabilitySeverity;
    factors.push({
      reason: severity ? `a member has a ${severity} disability` : "a member has a disability",
      points: severity ? DISABILITY_POINTS[severity] : -10,
    });
  }
  if (!JOB_CODE_LIST[profile.headJobCode].earnsIncome) {
    factors.push({ reason: "the head of household has no earned income", points: -10 });
  }
  if (profile.socialHarms.length > 0) {
    const n = profile.socialHarms.length;
    factors.push({
      reason: `the household faces ${n} social harm${n === 1 ? "" : "s"}`,
      points: Math.max(-10, -5 * n),
    });
  }
  if (profile.insured === false) factors.push({ reason: "the household has no insurance", points: -5 });
  if (profile.size > 4) {
    factors.push({
      reason: `the household has ${profile.size} people`,
      points: Math.max(-10, -2 * (profile.size - 4)),
    });
  }

  const total = factors.reduce((sum, f) => sum + f.points, 0);
  return { score: Math.max(0, Math.min(100, total)), factors };
}
