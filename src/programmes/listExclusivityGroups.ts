import { cachedStatement } from "../db/statements";
import { LAYERS } from "../organisations";
import type { ProgrammeDeps } from "./types";

export interface ExclusivityGroupView {
  groupId: number;
  layer: string;
  categories: number[];
  periodSeconds: number;
  /** How many coverages a household may hold in the group per period. */
  maxCoverages: number;
  /** Charities' addresses the regulator has admitted and not withdrawn, as the chain holds it now. */
  admitted: string[];
  /** This gateway's programmes in the group. */
  programmeIds: number[];
}

/**
 * The exclusivity groups on chain (from `ExclusivityGroupCreated`), each with the charities admitted to it
 * (every address an `ExclusivityGroupAdmissionChanged` named, checked against `isAdmittedToGroup` now) and
 * this gateway's programmes in it. Events are read from the chain itself, the regulator's audit trail.
 */
export async function listExclusivityGroups(
  deps: Pick<ProgrammeDeps, "db" | "system">,
): Promise<ExclusivityGroupView[]> {
  const ledger = deps.system.ledger;
  const [created, admissions] = await Promise.all([
    ledger.queryFilter(ledger.filters.ExclusivityGroupCreated()),
    ledger.queryFilter(ledger.filters.ExclusivityGroupAdmissionChanged()),
  ]);
  const programmes = cachedStatement(
    deps.db,
    "SELECT programme_id, group_id FROM programmes WHERE group_id <> 0 ORDER BY programme_id",
  ).all() as { programme_id: number; group_id: number }[];
  return Promise.all(
    created.map(async (event) => {
      const groupId = Number(event.args.groupId);
      const named = [
        ...new Set(
          admissions
            .filter((admission) => Number(admission.args.groupId) === groupId)
            .map((admission) => admission.args.charity.toLowerCase()),
        ),
      ];
      const stillAdmitted = await Promise.all(
        named.map((charity) => ledger.isAdmittedToGroup(groupId, charity)),
      );
      const mask = BigInt(event.args.categories);
      const categories: number[] = [];
      for (let bit = 0; bit < 256; bit++) if ((mask >> BigInt(bit)) & 1n) categories.push(bit);
      return {
        groupId,
        layer: LAYERS[Number(event.args.layer)] ?? String(event.args.layer),
        categories,
        periodSeconds: Number(event.args.periodLength),
        maxCoverages: Number(event.args.maxCoverages),
        admitted: named.filter((_, i) => stillAdmitted[i]),
        programmeIds: programmes.filter((p) => p.group_id === groupId).map((p) => p.programme_id),
      };
    }),
  );
}
