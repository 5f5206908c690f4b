import { isUnreachable, readThrough } from "../chain/readCache";
import { cachedStatement } from "../db/statements";
import type { DeliveryDeps } from "./types";

/**
 * The chain facts opening and accepting a delivery need, read from the chain and answered from the last
 * read while it is unreachable (see `readThrough`): the delivery goes on, and the chain checks them all
 * again at redemption, where a refusal is readable on the delivery.
 */
export async function vendorAllowed(
  deps: Pick<DeliveryDeps, "db" | "system" | "now">,
  programmeId: number,
  vendorAddress: string,
): Promise<boolean> {
  const key = `ledger.isVendorAllowed:${programmeId}:${vendorAddress.toLowerCase()}`;
  const read = await readThrough(
    deps.db,
    key,
    () => deps.system.ledger.isVendorAllowed(programmeId, vendorAddress),
    deps.now,
  );
  return read.value;
}

/**
 * Whether the programme's redemptions need a field agent's co-signature: the chain's answer, or the last
 * one read, or (never read yet) what the charity asked for when it created the programme.
 */
export async function needsFieldAgent(
  deps: Pick<DeliveryDeps, "db" | "system" | "now">,
  programmeId: number,
): Promise<boolean> {
  try {
    const read = await readThrough(
      deps.db,
      `ledger.requiresFieldAgent:${programmeId}`,
      async () => (await deps.system.ledger.programme(programmeId)).requiresFieldAgent,
      deps.now,
    );
    return read.value;
  } catch (error) {
    const asked = isUnreachable(error) ? requestedFieldAgent(deps, programmeId) : undefined;
    if (asked === undefined) throw error;
    return asked;
  }
}

function requestedFieldAgent(deps: Pick<DeliveryDeps, "db">, programmeId: number): boolean | undefined {
  const params = cachedStatement(
    deps.db,
    `SELECT request.params_json FROM programmes programme
       JOIN programme_requests request ON request.request_id = programme.request_id
      WHERE programme.programme_id = ?`,
    "pluck",
  ).get(programmeId) as string | undefined;
  if (params === undefined) return undefined;
  return (JSON.parse(params) as { requiresFieldAgent?: boolean }).requiresFieldAgent === true;
}
