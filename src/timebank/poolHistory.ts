import { ZeroAddress, type EventLog, type Log } from "ethers";
import { cachedStatement } from "../db/statements";
import { requireCoordinator } from "./coordinators";
import type { TimeBankDeps } from "./types";

export interface PoolEntry {
  /** `donated`: a member gave earned credit to the pool; `paid`: the pool paid a giver for a service. */
  kind: "donated" | "paid";
  minutes: number;
  /** The TimeBank's service id of a payment; null for a donation. */
  serviceId: string | null;
  /**
   * The donor or the giver, when it is this coordinator's member; null for another coordinator's member, so
   * the pool's shared history discloses no membership across coordinators.
   */
  memberRef: string | null;
  blockNumber: number;
  txHash: string;
}

export interface PoolHistory {
  /** Minutes the pool holds now, read from the TimeBank. */
  minutes: number;
  /** The sums of every entry since the TimeBank was deployed: `donated - paid` is the balance. */
  donated: number;
  paid: number;
  /** The newest entries first, at most `limit`. */
  entries: PoolEntry[];
}

/**
 * The community pool as its coordinators see it: its balance, and what moved it as the TimeBank's events tell
 * it (`CreditDonated` to zero, `ServiceConfirmed` with a zero payer), read on demand from the chain. The pool is
 * one for all coordinators; a coordinator sees which of the donors and givers are its own members, and of the
 * others only the minutes.
 */
export async function poolHistory(
  deps: Pick<TimeBankDeps, "db" | "system">,
  coordinatorOrgId: string,
  limit = 50,
): Promise<PoolHistory> {
  requireCoordinator(deps, coordinatorOrgId);
  const tb = deps.system.timeBank;
  const [donations, payments, balance] = await Promise.all([
    tb.queryFilter(tb.filters.CreditDonated(undefined, ZeroAddress), 0) as Promise<(EventLog | Log)[]>,
    tb.queryFilter(tb.filters.ServiceConfirmed(undefined, undefined, ZeroAddress), 0) as Promise<
      (EventLog | Log)[]
    >,
    tb.poolBalance(),
  ]);
  const ownRef = (wallet: string): string | null => {
    const row = cachedStatement(
      deps.db,
      "SELECT member_ref, coordinator_org_id FROM timebank_members WHERE wallet = ?",
    ).get(wallet.toLowerCase()) as { member_ref: string; coordinator_org_id: string } | undefined;
    return row?.coordinator_org_id === coordinatorOrgId ? row.member_ref : null;
  };
  const args = (log: EventLog | Log) => (log as EventLog).args;
  const at = (log: EventLog | Log) => ({ blockNumber: log.blockNumber, txHash: log.transactionHash });
  const newestFirst = (a: EventLog | Log, b: EventLog | Log) =>
    b.blockNumber - a.blockNumber || b.index - a.index;
  const moves = [
    ...donations.map((log) => ({ log, kind: "donated" as const, minutes: Number(args(log)[2]) })),
    ...payments.map((log) => ({ log, kind: "paid" as const, minutes: Number(args(log)[3]) })),
  ].sort((a, b) => newestFirst(a.log, b.log));
  const sum = (kind: PoolEntry["kind"]) =>
    moves.filter((move) => move.kind === kind).reduce((total, move) => total + move.minutes, 0);
  return {
    minutes: Number(balance),
    donated: sum("donated"),
    paid: sum("paid"),
    entries: moves.slice(0, limit).map(({ log, kind, minutes }) => ({
      kind,
      minutes,
      serviceId: kind === "donated" ? null : String(args(log)[0]).toLowerCase(),
      memberRef: ownRef(String(args(log)[kind === "donated" ? 0 : 1])),
      ...at(log),
    })),
  };
}
