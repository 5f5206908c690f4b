import { dataSlice, getAddress, keccak256 } from "ethers";
import { cachedStatement } from "../db/statements";
import type { DeliveryDeps } from "./types";

/**
 * Deliveries that still count against the household's entitlement: accepted (on their way to the chain),
 * or waiting for the household or a field agent and not yet past their deadline (an expired receipt can
 * never be redeemed, so it holds nothing).
 */
const HOLDING = `(state = 'accepted' OR (state IN ('open', 'awaiting_cosign') AND deadline > ?))`;

export interface Entitlement {
  period: number;
  /** The household's live balance on chain for the programme's current period, base units. */
  onChain: bigint;
  /** What the gateway's own open and accepted deliveries already promise out of it. */
  promised: bigint;
  remaining: bigint;
  /** Receipt nonce indices the chain has used this period, one bit each. */
  usedNonces: number;
}

/**
 * What the household has left in the programme now: its ERC-1155 balance for the current period (the
 * ledger's coverage record), less what open deliveries already hold. Read from the chain each time.
 */
export async function readEntitlement(
  deps: Pick<DeliveryDeps, "db" | "system" | "now">,
  programmeId: number,
  householdRef: string,
): Promise<Entitlement> {
  const { ledger } = deps.system;
  const period = Number(await ledger.currentPeriod(programmeId));
  const [onChain, usedNonces] = await Promise.all([
    ledger.balanceOf(householdAccount(householdRef), (BigInt(programmeId) << 32n) | BigInt(period)),
    ledger.receiptNoncesUsed(programmeId, householdRef, period),
  ]);
  const promised = promisedAmount(deps, programmeId, householdRef, period);
  const remaining = onChain > promised ? onChain - promised : 0n;
  return { period, onChain, promised, remaining, usedNonces: Number(usedNonces) };
}

export function promisedAmount(
  deps: Pick<DeliveryDeps, "db" | "now">,
  programmeId: number,
  householdRef: string,
  period: number,
): bigint {
  const amounts = cachedStatement(
    deps.db,
    `SELECT amount FROM deliveries WHERE programme_id = ? AND household_ref = ? AND period = ?
       AND ${HOLDING}`,
    "pluck",
  ).all(programmeId, householdRef, period, Math.floor(deps.now().getTime() / 1000)) as string[];
  return amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
}

/**
 * The lowest receipt nonce index of the period that neither the chain has used nor another delivery of the
 * gateway holds, as `period << 8 | index`; undefined when all 32 are taken. Call inside the transaction
 * that inserts the delivery, so two deliveries opened at once cannot pick the same one.
 */
export function freeNonce(
  deps: Pick<DeliveryDeps, "db">,
  programmeId: number,
  householdRef: string,
  period: number,
  usedNonces: number,
): bigint | undefined {
  const held = new Set(
    (
      cachedStatement(
        deps.db,
        "SELECT nonce FROM deliveries WHERE programme_id = ? AND household_ref = ? AND period = ?",
        "pluck",
      ).all(programmeId, householdRef, period) as string[]
    ).map((nonce) => Number(BigInt(nonce) & 0xffn)),
  );
  for (let index = 0; index < 32; index++) {
    if ((usedNonces >>> index) & 1 || held.has(index)) continue;
    return (BigInt(period) << 8n) | BigInt(index);
  }
  return undefined;
}

/** The household's keyless token holder, as the ledger derives it: the low 160 bits of keccak256(ref). */
export function householdAccount(householdRef: string): string {
  return getAddress(dataSlice(keccak256(householdRef), 12));
}
