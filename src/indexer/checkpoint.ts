import type { Database } from "better-sqlite3";
import type { Checkpoint } from "./types";

export function readCheckpoint(db: Database): Checkpoint | null {
  const row = db.prepare("SELECT block_number, block_hash FROM indexer_checkpoint WHERE id = 1").get() as
    { block_number: number; block_hash: string } | undefined;
  return row ? { blockNumber: row.block_number, blockHash: row.block_hash } : null;
}

export function writeCheckpoint(db: Database, checkpoint: Checkpoint | null, now: Date): void {
  if (checkpoint === null) {
    db.prepare("DELETE FROM indexer_checkpoint").run();
    return;
  }
  db.prepare(
    `INSERT INTO indexer_checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash,
       updated_at = excluded.updated_at`,
  ).run(checkpoint.blockNumber, checkpoint.blockHash, now.toISOString());
}

/** Tables the follower fills, each with the block its rows came from. */
const BLOCK_TABLES = [
  "chain_events",
  "idx_gifts",
  "idx_gift_flows",
  "idx_redemptions",
  "idx_issuance",
  "gift_events",
  "idx_timebank_wallets",
  "idx_timebank_services",
  "idx_timebank_moves",
  "idx_timebank_logged",
  "idx_mandate_revocations",
  "indexer_blocks",
] as const;

/**
 * Forgets everything read above `forkBlock`, in one transaction with the new checkpoint. Webhook deliveries
 * not yet made for forgotten events are dropped (the chain may never hold them again); those delivered
 * cannot be recalled, and when the same log is read again its event id is the same, so it is not sent twice.
 */
export function rewindTo(db: Database, forkBlock: number, forkHash: string | null, now: Date): void {
  db.prepare(
    `DELETE FROM webhook_deliveries WHERE status = 'pending'
       AND event_id IN (SELECT event_id FROM gift_events WHERE block_number > ?)`,
  ).run(forkBlock);
  for (const table of BLOCK_TABLES) db.prepare(`DELETE FROM ${table} WHERE block_number > ?`).run(forkBlock);
  writeCheckpoint(db, forkHash === null ? null : { blockNumber: forkBlock, blockHash: forkHash }, now);
}
