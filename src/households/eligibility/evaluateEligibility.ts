import { DEFAULT_MEANS_TEST_PARAMS, meansTestScore, type MeansTestParams } from "./meansTest";
import {
  describePredicate,
  testPredicate,
  type EligibilityProfile,
  type ProgrammeRule,
} from "./programmeRule";

export interface EligibilityResult {
  eligible: boolean;
  /** Means-test score, 0 (no means) to 100 (ample means); null when income was not declared. */
  score: number | null;
  /** Why, in plain words a case worker can read to the household; no personal data. */
  reasons: string[];
}

const signed = (points: number) => (points >= 0 ? `+${points}` : `−${-points}`);

/** Decides one household against one programme and explains the decision. Pure: no I/O. */
export function evaluateEligibility(
  profile: EligibilityProfile,
  programme: ProgrammeRule,
  params: MeansTestParams = DEFAULT_MEANS_TEST_PARAMS,
): EligibilityResult {
  const reasons: string[] = [];

  const groups = programme.targetGroups.map((group) => {
    const results = group.all.map((p) => ({ p, ok: testPredicate(p, profile) }));
    return { group, results, matched: results.every((r) => r.ok === true) };
  });
  const matched = groups.filter((g) => g.matched);
  if (matched.length > 0) {
    for (const { group } of matched) {
      const met =
        group.all.length === 0 ? "every household qualifies" : group.all.map(describePredicate).join("; ");
      reasons.push(`Meets the target group "${group.name}": ${met}.`);
    }
  } else {
    for (const { group, results } of groups) {
      const missing = results
        .filter((r) => r.ok !== true)
        .map((r) => describePredicate(r.p) + (r.ok === undefined ? " (not declared)" : ""));
      reasons.push(`Does not meet the target group "${group.name}": requires ${missing.join(" and ")}.`);
    }
  }

  const { score, factors } = meansTestScore(profile, params);
  let meansOk = true;
  if (score === null) {
    meansOk = programme.meansTestMax === undefined;
    reasons.push(
      meansOk
        ? "No income was declared, so no means-test score was computed."
        : "No income was declared, so the means test this programme requires cannot be applied.",
    );
  } else {
    reasons.push(`Means-test score ${score} of 100 (0 = no means, 100 = ample means):`);
    for (const f of factors) reasons.push(`  ${f.reason}: ${signed(f.points)}`);
    if (programme.meansTestMax === undefined) {
      reasons.push("The programme has no means-test limit; the score only sets priority.");
    } else {
      meansOk = score <= programme.meansTestMax;
      reasons.push(
        meansOk
          ? `The score is within the programme's limit of ${programme.meansTestMax}.`
          : `The score is above the programme's limit of ${programme.meansTestMax}.`,
      );
    }
  }

  const eligible = matched.length > 0 && meansOk;
  const verdict = `${eligible ? "Eligible" : "Not eligible"} for the ${programme.layer} programme "${programme.id}" (${programme.category}).`;
  return { eligible, score, reasons: [verdict, ...reasons] };
}
