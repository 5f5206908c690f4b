import { householdAccount } from "../chain/householdAccount";
import { readThrough } from "../chain/readCache";
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
 * ledger's coverage record), less what open deliveries already hold. Read from the chain each time; while
 * the chain is unreachable, from the last read (period from the programme's period length, the balance
 * less what the gateway saw redeemed since, the used nonces as read: the gateway's own deliveries hold
 * theirs anyway). The chain checks it all again at redemption.
 */
export async function readEntitlement(
  deps: Pick<DeliveryDeps, "db" | "system" | "now">,
  programmeId: number,
  householdRef: string,
): Promise<Entitlement> {
  const { ledger } = deps.system;
  const period = (
    await readThrough(
      deps.db,
      `ledger.currentPeriod:${programmeId}`,
      async () => Number(await ledger.currentPeriod(programmeId)),
      deps.now,
    ).catch(() => ({ value: localPeriod(deps, programmeId), fresh: false }))
  ).value;
  const read = await readThrough(
    deps.db,
    `ledger.entitlement:${programmeId}:${householdRef}:${period}`,
    async () => {
      const [balance, nonces] = await Promise.all([
        ledger.balanceOf(householdAccount(householdRef), (BigInt(programmeId) << 32n) | BigInt(period)),
        ledger.receiptNoncesUsed(programmeId, householdRef, period),
      ]);
      return { balance, usedNonces: Number(nonces) };
    },
    deps.now,
  );
  const onChain = read.fresh
    ? read.value.balance
    : read.value.balance - redeemedSince(deps, programmeId, householdRef, period, read.readAt);
  const promised = promisedAmount(deps, programmeId, householdRef, period);
  const remaining = onChain > promised ? onChain - promised : 0n;
  return { period, onChain, promised, remaining, usedNonces: read.value.usedNonces };
}

/** The period the ledger would answer now, from the programme's period length as the gateway stored it. */
function localPeriod(deps: Pick<DeliveryDeps, "db" | "now">, programmeId: number): number {
  return Math.floor(deps.now().getTime() / 1000 / periodLength(deps, programmeId));
}

/** The programme's period length in seconds, as the gateway stored it at creation. */
export function periodLength(deps: Pick<DeliveryDeps, "db">, programmeId: number): number {
  const length = cachedStatement(
    deps.db,
    "SELECT period_length FROM programmes WHERE programme_id = ?",
    "pluck",
  ).get(programmeId) as number | undefined;
  if (length === undefined) throw new RangeError(`programme ${programmeId} is not known to the gateway`);
  return length;
}

/** What the gateway saw redeemed for the household since `readAt` (already out of the balance read then). */
function redeemedSince(
  deps: Pick<DeliveryDeps, "db">,
  programmeId: number,
  householdRef: string,
  period: number,
  readAt: string,
): bigint {
  const amounts = cachedStatement(
    deps.db,
    `SELECT amount FROM deliveries WHERE programme_id = ? AND household_ref = ? AND period = ?
       AND state = 'redeemed' AND updated_at >= ?`,
    "pluck",
  ).all(programmeId, householdRef, period, readAt) as string[];
  return amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);
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
 * The lowest receipt nonce index of the period that neither the chain has used, nor another delivery of the
 * gateway holds, nor an offline device has reserved, nor a standing premium mandate of the household takes, as `period << 8 | index`; undefined when all 32 are
 * taken. Call inside the transaction that inserts the delivery (or the reservation), so two callers at once
 * cannot pick the same one.
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
    )
      .concat(
        cachedStatement(
          deps.db,
          "SELECT nonce FROM offline_nonce_reservations WHERE programme_id = ? AND household_ref = ? AND period = ?",
          "pluck",
        ).all(programmeId, householdRef, period) as string[],
      )
      .map((nonce) => Number(BigInt(nonce) & 0xffn)),
  );
  // A standing premium mandate (src/mandates) takes one fixed index every period: never open a receipt on it.
  for (const index of cachedStatement(
    deps.db,
    `SELECT receipt_index FROM premium_mandates WHERE programme_id = ? AND household_ref = ?
       AND state IN ('proposed', 'accepted')`,
    "pluck",
  ).all(programmeId, householdRef) as number[])
    held.add(index);
  for (let index = 0; index < 32; index++) {
    if ((usedNonces >>> index) & 1 || held.has(index)) continue;
    return (BigInt(period) << 8n) | BigInt(index);
  }
  return undefined;
}
