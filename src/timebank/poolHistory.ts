import { ZeroAddress } from "ethers";
import { cachedStatement } from "../db/statements";
import { requireCoordinator } from "./coordinators";
import { indexedBlock } from "./history";
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
  /** The sums of every entry the indexer has read: `donated - paid` is the balance as of `asOfBlock`. */
  donated: number;
  paid: number;
  /** The newest entries first, at most `limit`. */
  entries: PoolEntry[];
  /** The last block the indexer has read. */
  asOfBlock: number | null;
}

const POOL = ZeroAddress.toLowerCase();

interface PoolRow {
  kind: "service" | "donation";
  service_id: string | null;
  block_number: number;
  log_index: number;
  tx_hash: string;
  minutes: number;
  member_ref: string | null;
}

/**
 * The community pool as its coordinators see it: its balance from the TimeBank, and what moved it from the
 * indexer's read model of the TimeBank's events (`CreditDonated` to zero, `ServiceConfirmed` with a zero
 * payer). The pool is one for all coordinators; a coordinator sees which of the donors and givers are its own
 * members (by any wallet they held), and of the others only the minutes.
 */
export async function poolHistory(
  deps: Pick<TimeBankDeps, "db" | "system">,
  coordinatorOrgId: string,
  limit = 50,
): Promise<PoolHistory> {
  requireCoordinator(deps, coordinatorOrgId);
  const balance = await deps.system.timeBank.poolBalance();
  // Each side of the pool from its own covering index: the sums, and the newest `limit` of each side merged.
  const sum = (side: "source" | "target") =>
    cachedStatement(
      deps.db,
      `SELECT coalesce(sum(minutes), 0) FROM idx_timebank_moves WHERE ${side} = ?`,
      "pluck",
    ).get(POOL) as number;
  const newest = (side: "source" | "target") =>
    cachedStatement(
      deps.db,
      `SELECT m.kind, m.service_id, m.block_number, m.log_index, m.tx_hash, m.minutes, c.member_ref
         FROM idx_timebank_moves m
         LEFT JOIN idx_timebank_wallets w ON w.wallet = m.${side === "target" ? "source" : "target"}
         LEFT JOIN timebank_members c ON c.member_ref = w.member_ref AND c.coordinator_org_id = ?
        WHERE m.${side} = ?
        ORDER BY m.block_number DESC, m.log_index DESC
        LIMIT ?`,
    ).all(coordinatorOrgId, POOL, limit) as PoolRow[];
  const rows = [...newest("target"), ...newest("source")]
    .sort((a, b) => b.block_number - a.block_number || b.log_index - a.log_index)
    .slice(0, limit);
  const sums = { donated: sum("target"), paid: sum("source") };
  return {
    minutes: Number(balance),
    donated: sums.donated,
    paid: sums.paid,
    entries: rows.map((row) => ({
      kind: row.kind === "donation" ? ("donated" as const) : ("paid" as const),
      minutes: row.minutes,
      serviceId: row.service_id,
      memberRef: row.member_ref,
      blockNumber: row.block_number,
      txHash: row.tx_hash,
    })),
    asOfBlock: indexedBlock(deps),
  };
}
