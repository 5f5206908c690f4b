import { MerkleTree } from "../anchoring/merkle";
import { cachedStatement } from "../db/statements";
import { ValidationError } from "../errors";
import { goodCoinOfPeriod, leafHash, minutesServedOfPeriod, type RecognitionKind } from "./goodCoin";
import { parsePeriod, periodAt, periodOfIndex, type RecognitionPeriod } from "./period";
import type { RecognitionDeps } from "./types";

/** The outbox job kind of a period root's `ReceiptAnchor.anchor(root, count, uri)`. */
export const RECOGNITION_ANCHOR_JOB = "recognition.anchor";
/** Where a period is listed; the anchor's uri names it. */
export const RECOGNITION_URI = "/v1/recognition/periods/";

export interface ClosedPeriod {
  period: string;
  root: string;
  accounts: number;
  jobId: number;
  /** False when the period had already been closed: its first root stands. */
  closedNow: boolean;
}

/** The block the indexer has read through and that block's time, or null before its first pass. */
function indexedThrough(deps: RecognitionDeps): { block: number; timestamp: number } | null {
  return (
    (cachedStatement(
      deps.db,
      `SELECT c.block_number AS block, b.timestamp FROM indexer_checkpoint c
         JOIN indexer_blocks b ON b.block_number = c.block_number WHERE c.id = 1`,
    ).get() as { block: number; timestamp: number } | undefined) ?? null
  );
}

/**
 * Closes `period`: its good coin per donor and minutes served per time-bank member from chain events, the
 * Merkle tree of those totals (one leaf per account and kind), and the anchor of its root queued in the outbox, in one
 * transaction. A period is closed once only, after it has ended and the indexer has read past its end (a
 * later settlement cannot belong to it); closing it again answers the first root. A period with no good
 * coin earned has no tree and is refused (400 `nothing_earned`).
 */
export function closeRecognitionPeriod(deps: RecognitionDeps, periodText: string): ClosedPeriod {
  const period = parsePeriod(periodText);
  const existing = cachedStatement(
    deps.db,
    "SELECT root, accounts, job_id AS jobId, status, attempts FROM recognition_periods WHERE period = ?",
  ).get(period.period) as
    { root: string; accounts: number; jobId: number; status: string; attempts: number } | undefined;
  if (existing) {
    const { root, accounts, status, attempts } = existing;
    // A refused anchor (the registrar's licence suspended, say) is queued again, with the same root.
    const jobId =
      status === "failed"
        ? deps.db.transaction(() => requeue(deps, { period, root, accounts }, attempts + 1))()
        : existing.jobId;
    return { period: period.period, root, accounts, jobId, closedNow: false };
  }
  const through = indexedThrough(deps);
  if (through === null || through.timestamp < period.endsAt) {
    throw new ValidationError(
      "period",
      "period_open",
      "The period has not ended, or the indexer has not yet read the chain past its end.",
    );
  }
  return deps.db.transaction(() => closeNow(deps, period, through.block))();
}

/** One leaf: an account's total of one kind. */
interface Entry {
  kind: RecognitionKind;
  account: string;
  value: bigint;
}

/** The period's leaves: donors' good coin, then members' minutes served, each kind in ascending account order. */
function entriesOf(deps: RecognitionDeps, period: RecognitionPeriod): Entry[] {
  const sorted = (totals: Map<string, bigint>, kind: RecognitionKind): Entry[] =>
    [...totals]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([account, value]) => ({ kind, account, value }));
  return [
    ...sorted(goodCoinOfPeriod(deps.db, period), "gift"),
    ...sorted(minutesServedOfPeriod(deps.db, period), "service"),
  ];
}

function closeNow(deps: RecognitionDeps, period: RecognitionPeriod, throughBlock: number): ClosedPeriod {
  const totals = entriesOf(deps, period);
  if (totals.length === 0) {
    throw new ValidationError(
      "period",
      "nothing_earned",
      "No gift reached a confirmed delivery and no service was confirmed in this period.",
    );
  }
  // Proofs are written with the entries: a donor's read is one row, not the month's whole tree again.
  const tree = MerkleTree.ofConfirmations(
    totals.map(({ kind, account, value }) => leafHash(kind, period.index, account, value)),
  );
  const jobId = enqueueAnchor(deps, { period, root: tree.root, accounts: totals.length }, 1);
  cachedStatement(
    deps.db,
    `INSERT INTO recognition_periods (period, root, accounts, through_block, job_id, status, closed_at)
     VALUES (?, ?, ?, ?, ?, 'queued', ?)`,
  ).run(period.period, tree.root, totals.length, throughBlock, jobId, deps.now().toISOString());
  const insert = cachedStatement(
    deps.db,
    `INSERT INTO recognition_entries (period, leaf_index, kind, account, good_coin, proof)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  totals.forEach(({ kind, account, value }, index) =>
    insert.run(period.period, index, kind, account, value.toString(), JSON.stringify(tree.proof(index))),
  );
  return { period: period.period, root: tree.root, accounts: totals.length, jobId, closedNow: true };
}

interface PeriodRoot {
  period: RecognitionPeriod;
  root: string;
  accounts: number;
}

/** Queues the anchor; the key names the period, the root and the attempt, so none is anchored twice. */
function enqueueAnchor(
  deps: RecognitionDeps,
  { period, root, accounts }: PeriodRoot,
  attempt: number,
): number {
  return deps.outbox.enqueue({
    idempotencyKey: `recognition:${period.period}:${root}:${attempt}`,
    kind: RECOGNITION_ANCHOR_JOB,
    from: deps.registrar,
    to: deps.anchor.target as string,
    data: deps.anchor.interface.encodeFunctionData("anchor", [
      root,
      accounts,
      `${RECOGNITION_URI}${period.period}`,
    ]),
  }).jobId;
}

function requeue(deps: RecognitionDeps, tree: PeriodRoot, attempt: number): number {
  const { period } = tree;
  const jobId = enqueueAnchor(deps, tree, attempt);
  cachedStatement(
    deps.db,
    `UPDATE recognition_periods SET status = 'queued', job_id = ?, attempts = ?, error_name = NULL
      WHERE period = ?`,
  ).run(jobId, attempt, period.period);
  return jobId;
}

/**
 * Closes every period that is due: from the month of the first settlement or confirmed service up to the last month that has
 * ended and that the indexer has read past, each not closed yet (or whose anchor the chain refused) and with
 * good coin earned or minutes served. Run on a timer.
 */
export function closeDueRecognitionPeriods(deps: RecognitionDeps): ClosedPeriod[] {
  const through = indexedThrough(deps);
  const first = cachedStatement(
    deps.db,
    `SELECT min(t) FROM (
       SELECT min(b.timestamp) AS t FROM idx_gift_flows f JOIN indexer_blocks b ON b.block_number = f.block_number
        WHERE f.kind = 'settlement'
       UNION ALL
       SELECT min(b.timestamp) FROM idx_timebank_services s JOIN indexer_blocks b ON b.block_number = s.block_number)`,
    "pluck",
  ).get() as number | null;
  if (through === null || first === null) return [];
  const closed: ClosedPeriod[] = [];
  for (let index = periodAt(first).index; ; index++) {
    const period = periodOfIndex(index);
    if (period.endsAt > through.timestamp) break;
    const state = cachedStatement(
      deps.db,
      "SELECT status FROM recognition_periods WHERE period = ?",
      "pluck",
    ).get(period.period) as string | undefined;
    // Closed already, unless the chain refused its anchor: closing it again queues the anchor again.
    if (state !== undefined && state !== "failed") continue;
    try {
      closed.push(closeRecognitionPeriod(deps, period.period));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  return closed;
}
