import { formatUnits } from "ethers";
import { cachedStatement } from "../db/statements";
import { organisationAddress } from "../organisations";
import type { DeliveryDeps } from "./types";

/** What a vendor earned in one programme, as the chain holds it, in whole units of the settlement token. */
export interface VendorProgrammeSettlement {
  programmeId: number;
  /** Credited by redemptions and not yet collected: pending, collectable and held. */
  owed: string;
  /** What it may collect now (its dispute windows closed). */
  collectable: string;
  /** What open flags hold back. */
  held: string;
  /** Collected so far (`SettlementCollected` events). */
  collected: string;
}

/**
 * The vendor's money per programme it delivered in: owed, collectable now, held by flags (the desk's
 * `owedTo` and `creditOf`) and collected so far (its `SettlementCollected` events), from the chain.
 */
export async function vendorSettlement(
  deps: Pick<DeliveryDeps, "db" | "system" | "decimals">,
  vendorOrgId: string,
): Promise<VendorProgrammeSettlement[]> {
  const vendor = organisationAddress(deps, vendorOrgId);
  const programmes = cachedStatement(
    deps.db,
    "SELECT DISTINCT programme_id FROM deliveries WHERE vendor_org_id = ? ORDER BY programme_id",
    "pluck",
  ).all(vendorOrgId) as number[];
  const ledger = deps.system.ledger;
  const collectedEvents = await ledger.queryFilter(ledger.filters.SettlementCollected(undefined, vendor));
  const units = (value: bigint) => formatUnits(value, deps.decimals).replace(/\.0$/, "");
  return Promise.all(
    programmes.map(async (programmeId) => {
      const [owed, credit] = await Promise.all([
        ledger.owedTo(programmeId, vendor),
        ledger.creditOf(programmeId, vendor),
      ]);
      const collected = collectedEvents
        .filter((event) => Number(event.args.programmeId) === programmeId)
        .reduce((sum, event) => sum + event.args.amount, 0n);
      return {
        programmeId,
        owed: units(owed),
        collectable: units(credit.collectable),
        held: units(credit.held),
        collected: units(collected),
      };
    }),
  );
}
