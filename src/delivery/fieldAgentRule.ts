import type { DeliveryDeps } from "./types";

/** Per ledger contract: programme id → whether its redemptions need a field agent's co-signature. */
const known = new WeakMap<object, Map<number, boolean>>();

/**
 * Whether the programme's redemptions need a field agent's co-signature. The ledger sets it when the
 * programme is created and never changes it, so it is read from the chain once per programme and process:
 * an acceptance then makes no chain call (an `eth_call` round trip to a node busy mining redemptions).
 */
export async function requiresFieldAgent(
  deps: Pick<DeliveryDeps, "system">,
  programmeId: number,
): Promise<boolean> {
  const ledger = deps.system.ledger;
  let byProgramme = known.get(ledger);
  if (byProgramme === undefined) known.set(ledger, (byProgramme = new Map()));
  const cached = byProgramme.get(programmeId);
  if (cached !== undefined) return cached;
  const { requiresFieldAgent } = await ledger.programme(programmeId);
  byProgramme.set(programmeId, requiresFieldAgent);
  return requiresFieldAgent;
}
