import type { AidLedger } from "../../typechain-types";
import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { fromUnits } from "./amounts";
import type { ProgrammeDeps, ProgrammeView } from "./types";

interface ProgrammeRow {
  programme_id: number;
  org_id: string;
  name: string;
  layer: string;
  category: number;
  group_id: number;
  period_length: number;
  cap: string;
  min_gift: string;
  starts_at: number;
  ends_at: number;
  rule_json: string | null;
  earmarks_json: string;
  gifts: number;
}

const SELECT = `SELECT p.*, (SELECT count(*) FROM gifts g WHERE g.programme_id = p.programme_id) AS gifts FROM programmes p`;

/** A programme with its live money, read from the chain. */
export async function getProgramme(deps: ProgrammeDeps, programmeId: number): Promise<ProgrammeView> {
  const row = cachedStatement(deps.db, `${SELECT} WHERE p.programme_id = ?`).get(programmeId) as
    ProgrammeRow | undefined;
  if (!row) throw new NotFoundError("programmeId", "No programme has this id.");
  return toView(deps, row);
}

export async function listProgrammes(deps: ProgrammeDeps, orgId?: string): Promise<ProgrammeView[]> {
  const rows = (
    orgId
      ? deps.db.prepare(`${SELECT} WHERE p.org_id = ? ORDER BY p.programme_id`).all(orgId)
      : deps.db.prepare(`${SELECT} ORDER BY p.programme_id`).all()
  ) as ProgrammeRow[];
  return Promise.all(rows.map((row) => toView(deps, row)));
}

/** The programme's stored row, for rooms that need its rule or period without the chain read. */
export function programmeRow(deps: Pick<ProgrammeDeps, "db">, programmeId: number): ProgrammeRow {
  const row = cachedStatement(deps.db, `${SELECT} WHERE p.programme_id = ?`).get(programmeId) as
    ProgrammeRow | undefined;
  if (!row) throw new NotFoundError("programmeId", "No programme has this id.");
  return row;
}

async function toView(deps: ProgrammeDeps, row: ProgrammeRow): Promise<ProgrammeView> {
  const [funds, onChain, currentPeriod] = await chainState(deps, row.programme_id);
  const units = (value: bigint) => fromUnits(value, deps.decimals);
  return {
    programmeId: row.programme_id,
    orgId: row.org_id,
    name: row.name,
    layer: row.layer,
    category: row.category,
    groupId: row.group_id,
    periodSeconds: row.period_length,
    capPerPeriod: row.cap,
    minGift: row.min_gift,
    startsAt: new Date(row.starts_at * 1000).toISOString(),
    endsAt: new Date(Number(onChain.endsAt) * 1000).toISOString(),
    rule: row.rule_json ? (JSON.parse(row.rule_json) as unknown) : null,
    earmarks: JSON.parse(row.earmarks_json) as string[],
    paused: onChain.paused,
    funds: {
      given: units(funds.given),
      paid: units(funds.paid),
      refunded: units(funds.refunded),
      outstanding: units(funds.outstanding),
      available: units(funds.available),
      collected: units(funds.collected),
    },
    currentPeriod: Number(currentPeriod),
    gifts: row.gifts,
  };
}

type ChainState = [
  Awaited<ReturnType<AidLedger["fundsOf"]>>,
  Awaited<ReturnType<AidLedger["programme"]>>,
  bigint,
];

/** How long a programme's chain read answers later requests: progress may lag other gateways' writes by this. */
export const PROGRAMME_READ_TTL_MS = 1_000;

interface RecentRead {
  /** The outbox's `endedCount` when the read started. */
  ended: number;
  at: number;
  value?: ChainState;
  pending?: Promise<ChainState>;
}

/** Recent chain reads, per gateway and programme. */
const recent = new WeakMap<ProgrammeDeps, Map<number, RecentRead>>();

/**
 * A programme's money and status from the chain. Requests for the same programme share one read, and
 * after `PROGRAMME_READ_TTL_MS` the last answer keeps being served while a fresh one is fetched in the
 * background, so no request waits on the node (which pauses while it writes its state to disk) and
 * however many donors poll, the node sees about one read per programme a second. A read started before
 * this gateway's latest chain write ended is never reused: a client always sees its own confirmed gift at
 * once; writes by other gateways of the consortium show within about a second.
 */
function chainState(deps: ProgrammeDeps, programmeId: number): Promise<ChainState> {
  const reads = recent.get(deps) ?? new Map<number, RecentRead>();
  recent.set(deps, reads);
  const ended = deps.outbox.endedCount;
  const entry = reads.get(programmeId);
  if (entry && entry.ended === ended) {
    if (entry.value) {
      if (Date.now() - entry.at >= PROGRAMME_READ_TTL_MS && !entry.pending)
        refresh(deps, reads, programmeId, entry);
      return Promise.resolve(entry.value);
    }
    if (entry.pending) return entry.pending;
  }
  const fresh: RecentRead = { ended, at: Date.now() };
  reads.set(programmeId, fresh);
  return refresh(deps, reads, programmeId, fresh);
}

function refresh(
  deps: ProgrammeDeps,
  reads: Map<number, RecentRead>,
  programmeId: number,
  entry: RecentRead,
): Promise<ChainState> {
  const ledger = deps.system.ledger;
  const startedAt = Date.now();
  const pending = Promise.all([
    ledger.fundsOf(programmeId),
    ledger.programme(programmeId),
    ledger.currentPeriod(programmeId),
  ]);
  entry.pending = pending;
  pending.then(
    (value) => {
      entry.value = value;
      entry.at = startedAt;
      entry.pending = undefined;
    },
    () => {
      // A failed read is forgotten, so the next request tries the node again.
      if (reads.get(programmeId) === entry) reads.delete(programmeId);
    },
  );
  return pending;
}
