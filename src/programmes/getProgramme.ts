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
    paused: onChain.paused,
    funds: {
      given: units(funds.given),
      paid: units(funds.paid),
      refunded: units(funds.refunded),
      outstanding: units(funds.outstanding),
      available: units(funds.available),
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

/** Recent chain reads, per gateway and programme. */
const recent = new WeakMap<
  ProgrammeDeps,
  Map<number, { ended: number; at: number; state: Promise<ChainState> }>
>();

/**
 * A programme's money and status from the chain. Requests for the same programme share one read for up to
 * `PROGRAMME_READ_TTL_MS` rather than each sending three calls (about 3 ms of gateway CPU and three node
 * requests each), so however many donors poll, the node sees about one read per programme a second. A read
 * started before this gateway's latest chain write ended is never reused: a client always sees its own
 * confirmed gift at once; writes by other gateways of the consortium show within a second.
 */
function chainState(deps: ProgrammeDeps, programmeId: number): Promise<ChainState> {
  const reads =
    recent.get(deps) ?? new Map<number, { ended: number; at: number; state: Promise<ChainState> }>();
  recent.set(deps, reads);
  const ended = deps.outbox.endedCount;
  const now = Date.now();
  const shared = reads.get(programmeId);
  if (shared && shared.ended === ended && now - shared.at < PROGRAMME_READ_TTL_MS) return shared.state;
  const ledger = deps.system.ledger;
  const state = Promise.all([
    ledger.fundsOf(programmeId),
    ledger.programme(programmeId),
    ledger.currentPeriod(programmeId),
  ]);
  const entry = { ended, at: now, state };
  reads.set(programmeId, entry);
  // A failed read is not reused.
  state.catch(() => {
    if (reads.get(programmeId) === entry) reads.delete(programmeId);
  });
  return state;
}
