import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import type { AnchoringDeps, AnchorView, BatchState } from "./types";

interface BatchRow {
  root: string;
  count: number;
  uri: string;
  status: BatchState;
  attempts: number;
  error_name: string | null;
  tx_hash: string | null;
  block_number: number | null;
  closed_at: string;
  anchored_at: string | null;
}

const COLUMNS =
  "root, count, uri, status, attempts, error_name, tx_hash, block_number, closed_at, anchored_at";

export interface AnchorPage {
  anchors: AnchorView[];
  total: number;
  offset: number;
  limit: number;
}

/** Closed batches, newest first, for auditors. */
export function listAnchors(
  deps: Pick<AnchoringDeps, "db">,
  page: { offset: number; limit: number },
): AnchorPage {
  const rows = cachedStatement(
    deps.db,
    `SELECT ${COLUMNS} FROM anchor_batches ORDER BY batch_id DESC LIMIT ? OFFSET ?`,
  ).all(page.limit, page.offset) as BatchRow[];
  const total = cachedStatement(deps.db, "SELECT count(*) FROM anchor_batches", "pluck").get() as number;
  return { anchors: rows.map(toView), total, ...page };
}

export interface AnchorDetail extends AnchorView {
  /** What `ReceiptAnchor.anchorOf(root)` answers now; null when the chain could not be read. */
  onChain: { anchoredAt: string | null; count: number } | null;
}

/** One batch by its root, with the chain's record of it. Unknown roots are 404. */
export async function getAnchor(
  deps: Pick<AnchoringDeps, "db" | "anchor">,
  root: string,
): Promise<AnchorDetail> {
  const row = cachedStatement(deps.db, `SELECT ${COLUMNS} FROM anchor_batches WHERE root = ?`).get(root) as
    BatchRow | undefined;
  if (!row) throw new NotFoundError("root", "No batch has this root.");
  let onChain: AnchorDetail["onChain"] = null;
  try {
    const [anchoredAt, count] = await deps.anchor.anchorOf(root);
    onChain = {
      anchoredAt: anchoredAt === 0n ? null : new Date(Number(anchoredAt) * 1000).toISOString(),
      count: Number(count),
    };
  } catch {
    // The chain is unreachable: the gateway's own record still answers.
  }
  return { ...toView(row), onChain };
}

function toView(row: BatchRow): AnchorView {
  return {
    root: row.root,
    count: row.count,
    state: row.status,
    attempts: row.attempts,
    errorName: row.error_name,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
    closedAt: row.closed_at,
    anchoredAt: row.anchored_at,
    uri: row.uri,
  };
}
