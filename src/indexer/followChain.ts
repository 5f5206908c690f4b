import { hexToNumber, numberToHex, type RawBlockHeader, type RawLog } from "../chain/jsonRpc";
import { readCheckpoint, rewindTo, writeCheckpoint } from "./checkpoint";
import { contractMap, type ContractMap, type DecodedEvent } from "./decodeLogs";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { applyEvents } from "./projections";
import type { Checkpoint, GiftEvent, IndexerDeps, IndexStep, ReorgReport } from "./types";

/** Events applied per SQLite transaction within a range. */
const APPLY_SLICE = 2_000;

/** How many stored block hashes a fork search compares before it starts again from the first block. */
const FORK_SEARCH_LIMIT = 2_000;

/**
 * One pass of the chain follower: checks that the checkpoint's block is still on the chain (rewinding to
 * the fork point when it is not), then reads the followed contracts' logs from the checkpoint up to
 * head − confirmations in ranges of at most `blockRange` blocks, each range applied in one SQLite
 * transaction with its new checkpoint (block number and hash). At most `maxRanges` ranges per pass, so a
 * long catch-up yields to the event loop between passes.
 */
export async function indexOnce(deps: IndexerDeps, maxRanges = 20): Promise<IndexStep> {
  const contracts = contractMap(deps.system);
  const head = hexToNumber(await deps.rpc.send<string>("eth_blockNumber", []));
  const target = head - deps.policy.confirmations;
  const reorg = await rewindIfForked(deps, head);
  let checkpoint = readCheckpoint(deps.db);
  let eventsApplied = 0;
  for (let ranges = 0; ranges < maxRanges; ranges++) {
    const from = (checkpoint?.blockNumber ?? -1) + 1;
    if (from > target) break;
    const to = Math.min(target, from + deps.policy.blockRange - 1);
    const read = await readRange(deps, contracts, from, to);
    // A block replaced while we read it: leave the range for the next pass, which checks again.
    if (read === null) break;
    // A block of pipelined batches holds tens of thousands of events: they are applied a slice per
    // transaction, the event loop running between slices, and the checkpoint moves with the last slice.
    // A crash between slices re-reads the range, and applying an event again changes nothing.
    const published: GiftEvent[] = [];
    for (let start = 0; start === 0 || start < read.events.length; start += APPLY_SLICE) {
      const slice = read.events.slice(start, start + APPLY_SLICE);
      const last = start + APPLY_SLICE >= read.events.length;
      published.push(
        ...deps.db.transaction(() => {
          const giftEvents = applyEvents(deps.db, slice, deps.decimals, deps.now());
          if (last) {
            const insertBlock = deps.db.prepare(
              "INSERT OR REPLACE INTO indexer_blocks (block_number, block_hash, timestamp) VALUES (?, ?, ?)",
            );
            for (const block of read.blocks) insertBlock.run(block.number, block.hash, block.timestamp);
            writeCheckpoint(deps.db, read.checkpoint, deps.now());
          }
          return giftEvents;
        })(),
      );
      if (!last) await yieldToEventLoop();
    }
    eventsApplied += read.events.length;
    checkpoint = read.checkpoint;
    publish(deps, published);
  }
  return {
    head,
    checkpoint,
    eventsApplied,
    reorg,
    caughtUp: (checkpoint?.blockNumber ?? -1) >= target,
  };
}

interface BlockHeader {
  number: number;
  hash: string;
  timestamp: number;
}

interface RangeRead {
  events: DecodedEvent[];
  blocks: BlockHeader[];
  checkpoint: Checkpoint;
}

/** The block at `number`, or null when the chain does not (or no longer) have it. */
async function blockHeader(deps: IndexerDeps, number: number): Promise<BlockHeader | null> {
  const block = await deps.rpc.send<RawBlockHeader | null>("eth_getBlockByNumber", [
    numberToHex(number),
    false,
  ]);
  if (block === null || !block.hash) return null;
  return { number: hexToNumber(block.number), hash: block.hash, timestamp: hexToNumber(block.timestamp) };
}

async function readRange(
  deps: IndexerDeps,
  contracts: ContractMap,
  from: number,
  to: number,
): Promise<RangeRead | null> {
  const logs = await deps.rpc.send<RawLog[]>("eth_getLogs", [
    { address: contracts.addresses, fromBlock: numberToHex(from), toBlock: numberToHex(to) },
  ]);
  const numbers = [...new Set([...logs.map((log) => hexToNumber(log.blockNumber)), to])];
  const blocks = await Promise.all(numbers.map((n) => blockHeader(deps, n)));
  const hashOf = new Map<number, BlockHeader>();
  for (const block of blocks) {
    if (block === null) return null;
    hashOf.set(block.number, block);
  }
  if (logs.some((log) => log.removed || hashOf.get(hexToNumber(log.blockNumber))!.hash !== log.blockHash)) {
    return null;
  }
  const events: DecodedEvent[] = [];
  for (const [index, log] of logs.entries()) {
    const event = contracts.decode(log);
    if (event !== null) events.push(event);
    if (index % APPLY_SLICE === APPLY_SLICE - 1) await yieldToEventLoop();
  }
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return {
    events,
    blocks: [...hashOf.values()],
    checkpoint: { blockNumber: to, blockHash: hashOf.get(to)!.hash },
  };
}

/**
 * The checkpoint's block must still be the chain's block at that height. When it is not (or the chain is
 * now shorter), the follower walks back through the block hashes it stored to the highest one the chain
 * still has, forgets everything above it and records the reorganisation. With reads held back by the
 * confirmation depth, any fork found here is deeper than that depth: it is reported, not expected.
 */
async function rewindIfForked(deps: IndexerDeps, head: number): Promise<ReorgReport | null> {
  const checkpoint = readCheckpoint(deps.db);
  if (checkpoint === null) return null;
  if (checkpoint.blockNumber <= head) {
    const block = await blockHeader(deps, checkpoint.blockNumber);
    if (block?.hash === checkpoint.blockHash) return null;
  }
  const stored = deps.db
    .prepare(
      `SELECT block_number, block_hash FROM indexer_blocks WHERE block_number < ?
       ORDER BY block_number DESC LIMIT ?`,
    )
    .all(checkpoint.blockNumber, FORK_SEARCH_LIMIT) as { block_number: number; block_hash: string }[];
  let fork: { number: number; hash: string | null } = { number: -1, hash: null };
  for (const row of stored) {
    if (row.block_number > head) continue;
    const block = await blockHeader(deps, row.block_number);
    if (block?.hash === row.block_hash) {
      fork = { number: row.block_number, hash: row.block_hash };
      break;
    }
  }
  const report: ReorgReport = {
    checkpointBlock: checkpoint.blockNumber,
    forkBlock: fork.number,
    depth: checkpoint.blockNumber - fork.number,
  };
  deps.db.transaction(() => {
    rewindTo(deps.db, fork.number, fork.hash, deps.now());
    deps.db
      .prepare(
        `INSERT INTO indexer_reorgs (detected_at, checkpoint_block, fork_block, depth, confirmations)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        deps.now().toISOString(),
        report.checkpointBlock,
        report.forkBlock,
        report.depth,
        deps.policy.confirmations,
      );
  })();
  return report;
}

function publish(deps: IndexerDeps, events: readonly GiftEvent[]): void {
  for (const event of events) deps.notifier.publish(event);
}
