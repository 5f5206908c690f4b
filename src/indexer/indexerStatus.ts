import { rowCounts } from "../db/rowCounts";
import { readCheckpoint } from "./checkpoint";
import type { IndexerDeps } from "./types";

export interface IndexerStatus {
  checkpoint: { blockNumber: number; blockHash: string } | null;
  head: number;
  confirmations: number;
  /** Blocks between the checkpoint and head − confirmations. */
  lag: number;
  events: number;
  reorgs: { detectedAt: string; checkpointBlock: number; forkBlock: number; depth: number }[];
  webhooks: { pending: number; failed: number };
}

/** How far the follower is, the reorganisations it found (newest first, at most 20) and the webhook queue. */
export async function indexerStatus(deps: IndexerDeps): Promise<IndexerStatus> {
  const head = await deps.provider.getBlockNumber();
  const checkpoint = readCheckpoint(deps.db);
  const count = (sql: string) => deps.db.prepare(sql).pluck().get() as number;
  const reorgs = deps.db
    .prepare(
      `SELECT detected_at, checkpoint_block, fork_block, depth FROM indexer_reorgs
       ORDER BY reorg_id DESC LIMIT 20`,
    )
    .all() as { detected_at: string; checkpoint_block: number; fork_block: number; depth: number }[];
  return {
    checkpoint,
    head,
    confirmations: deps.policy.confirmations,
    lag: Math.max(0, head - deps.policy.confirmations - (checkpoint?.blockNumber ?? -1)),
    events: rowCounts(deps.db, "chain_events").get("stored") ?? 0,
    reorgs: reorgs.map((r) => ({
      detectedAt: r.detected_at,
      checkpointBlock: r.checkpoint_block,
      forkBlock: r.fork_block,
      depth: r.depth,
    })),
    webhooks: {
      pending: count("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"),
      failed: count("SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'"),
    },
  };
}
