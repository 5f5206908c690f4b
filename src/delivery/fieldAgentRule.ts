import { needsFieldAgent } from "./chainFacts";
import type { DeliveryDeps } from "./types";

/** Per ledger contract: programme id → whether its redemptions need a field agent's co-signature. */
const known = new WeakMap<object, Map<number, boolean>>();

/**
 * Whether the programme's redemptions need a field agent's co-signature. The ledger sets it when the
 * programme is created and never changes it, so it is asked once per programme and process (from the
 * chain, or while the chain is unreachable from what the charity asked for: `needsFieldAgent`): an
 * acceptance then makes no chain call (an `eth_call` round trip to a node busy mining redemptions).
 */
export async function requiresFieldAgent(
  deps: Pick<DeliveryDeps, "db" | "system" | "now">,
  programmeId: number,
): Promise<boolean> {
  const ledger = deps.system.ledger;
  let byProgramme = known.get(ledger);
  if (byProgramme === undefined) known.set(ledger, (byProgramme = new Map()));
  const cached = byProgramme.get(programmeId);
  if (cached !== undefined) return cached;
  const required = await needsFieldAgent(deps, programmeId);
  byProgramme.set(programmeId, required);
  return required;
}
