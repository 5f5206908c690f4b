import { ZeroAddress } from "ethers";
import { cachedStatement } from "../db/statements";
import { categoryName, type ServiceCategory } from "./categories";
import { memberOfCoordinator, type MemberRow } from "./members";
import type { TimeBankDeps } from "./types";

export interface HistoryEntry {
  kind: "earned" | "paid" | "donated" | "received_donation";
  minutes: number;
  /** The TimeBank's service id, for a service; null for a donation. */
  serviceId: string | null;
  /** Whether the community pool paid (earned) or was the donation's beneficiary (donated). */
  pool: boolean;
  blockNumber: number;
  txHash: string;
  /** When its block was made (ISO 8601), as the indexer read it; null for a moment while a range is applied. */
  at: string | null;
}

export interface PendingServiceEntry {
  serviceId: string;
  /** `gave`: the member logged it and waits for the recipient; `received`: the member may confirm it. */
  role: "gave" | "received";
  minutes: number;
  category: ServiceCategory;
  blockNumber: number;
}

export interface MemberHistory {
  memberRef: string;
  /** Oldest first. */
  entries: HistoryEntry[];
  pending: PendingServiceEntry[];
  /** The last block the indexer has read: the history holds every event up to it, none after. */
  asOfBlock: number | null;
}

interface MoveRow {
  kind: "service" | "donation";
  service_id: string | null;
  source: string;
  target: string;
  minutes: number;
  block_number: number;
  tx_hash: string;
  timestamp: number | null;
}

interface LoggedRow {
  service_id: string;
  giver: string;
  minutes: number;
  category: number;
  block_number: number;
}

const POOL = ZeroAddress.toLowerCase();

/** A member's history as its coordinator reads it (`historyOfMember`); another coordinator's is 404. */
export function memberHistory(
  deps: Pick<TimeBankDeps, "db">,
  coordinatorOrgId: string,
  memberRef: string,
): MemberHistory {
  return historyOfMember(deps, memberOfCoordinator(deps, coordinatorOrgId, memberRef));
}

/**
 * A member's history from the indexer's read models of the TimeBank's events, on every wallet it has held
 * (a rebound member keeps what it did on the old one): every balance change (`ServiceConfirmed` as giver or
 * payer, `CreditDonated` either way) and the services logged with it and not yet confirmed, whoever logged them
 * (a self-custodied giver's own calls included). It is as fresh as the indexer (`asOfBlock`), a block or a
 * poll behind the chain; the balance itself is read from the TimeBank.
 */
export function historyOfMember(deps: Pick<TimeBankDeps, "db">, member: MemberRow): MemberHistory {
  const wallets = JSON.stringify(walletsOf(deps, member));
  const moves = cachedStatement(
    deps.db,
    `SELECT m.kind, m.service_id, m.source, m.target, m.minutes, m.block_number, m.tx_hash, b.timestamp
       FROM idx_timebank_moves m LEFT JOIN indexer_blocks b ON b.block_number = m.block_number
      WHERE m.source IN (SELECT value FROM json_each(@wallets)) OR m.target IN (SELECT value FROM json_each(@wallets))
      ORDER BY m.block_number, m.log_index`,
  ).all({ wallets }) as MoveRow[];
  const own = new Set(JSON.parse(wallets) as string[]);
  const entries = moves.map((move): HistoryEntry => {
    const credited = own.has(move.target);
    const service = move.kind === "service";
    return {
      kind: credited ? (service ? "earned" : "received_donation") : service ? "paid" : "donated",
      minutes: move.minutes,
      serviceId: move.service_id,
      pool: credited ? service && move.source === POOL : !service && move.target === POOL,
      blockNumber: move.block_number,
      txHash: move.tx_hash,
      at: move.timestamp === null ? null : new Date(move.timestamp * 1000).toISOString(),
    };
  });
  // A service logged and confirmed in one call (recordService) was never pending: its confirmation is stored.
  const logged = cachedStatement(
    deps.db,
    `SELECT l.service_id, l.giver, l.minutes, l.category, l.block_number
       FROM idx_timebank_logged l
      WHERE (l.giver IN (SELECT value FROM json_each(@wallets)) OR l.recipient IN (SELECT value FROM json_each(@wallets)))
        AND NOT EXISTS (SELECT 1 FROM idx_timebank_services s WHERE s.service_id = l.service_id)
      ORDER BY l.block_number, l.log_index`,
  ).all({ wallets }) as LoggedRow[];
  return {
    memberRef: member.member_ref,
    entries,
    pending: logged.map((row) => ({
      serviceId: row.service_id,
      role: own.has(row.giver) ? ("gave" as const) : ("received" as const),
      minutes: row.minutes,
      category: categoryName(row.category),
      blockNumber: row.block_number,
    })),
    asOfBlock: indexedBlock(deps),
  };
}

/** Every wallet the member has held: its current one, and those the indexer saw bound to its ref. */
function walletsOf(deps: Pick<TimeBankDeps, "db">, member: MemberRow): string[] {
  const bound = cachedStatement(
    deps.db,
    "SELECT wallet FROM idx_timebank_wallets WHERE member_ref = ?",
    "pluck",
  ).all(member.member_ref) as string[];
  return [...new Set([member.wallet, ...bound])];
}

/** The indexer's checkpoint: the last block whose events are in the read models (null before the first). */
export function indexedBlock(deps: Pick<TimeBankDeps, "db">): number | null {
  return (
    (cachedStatement(deps.db, "SELECT block_number FROM indexer_checkpoint WHERE id = 1", "pluck").get() as
      number | undefined) ?? null
  );
}
