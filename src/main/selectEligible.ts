import { assessEligibility, type HouseholdContext, type ProgrammeRule } from "../households";
import { programmeRow } from "../programmes";
import type { Database } from "better-sqlite3";

/**
 * The households a programme's rule selects among those registered on chain. Without a rule every
 * registered household is selected. Each household's attributes are decrypted from the vault in turn.
 */
export function eligibleSelector(db: Database, households: HouseholdContext) {
  return async (programmeId: number): Promise<string[]> => {
    const programme = programmeRow({ db }, programmeId);
    const registered = db
      .prepare(
        `SELECT r.household_ref AS ref FROM chain_registrations r JOIN households h ON h.household_ref = r.household_ref
         WHERE r.status = 'registered' AND h.status = 'active' ORDER BY r.rowid`,
      )
      .pluck()
      .all() as string[];
    if (!programme.rule_json) return registered;
    const rule = JSON.parse(programme.rule_json) as ProgrammeRule;
    const selected: string[] = [];
    for (const householdRef of registered) {
      const result = await assessEligibility(households, { householdRef, programme: rule });
      if (result.eligible) selected.push(householdRef);
    }
    return selected;
  };
}
