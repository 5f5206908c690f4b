import type { AuditAddresses, AuditedContract, ChainEvent } from "../types";
import { decodeLog, type RawLog } from "./decodeLogs";
import { hexToNumber, sendEach, type AuditRpc } from "./rpc";

/** The contracts whose events the audit reads (a deployment record also names the timelock and the time bank). */
const AUDITED: AuditedContract[] = ["ledger", "registry", "licences", "anchor", "auditLog", "mandates"];

export interface ReadEventsOptions {
  fromBlock: number;
  throughBlock: number;
  /** The most blocks one `eth_getLogs` request asks for: bounded, so a long chain is read in pieces a node will answer. */
  blockRange?: number;
  /** About how many logs a page should hold: the block range of the next request follows the last page's density. */
  pageLogs?: number;
}

/** One page of events (a block range), decoded, in chain order. */
export interface EventPage {
  events: ChainEvent[];
  /** Logs of the audited contracts that match no event of their ABI. */
  unknownLogs: number;
  fromBlock: number;
  toBlock: number;
}

/** The first request's range; later ones grow or shrink towards `pageLogs` logs a page. */
const FIRST_RANGE = 16;

/**
 * Every event of the audited contracts from `fromBlock` through `throughBlock`, page by page in chain order,
 * each page's request sent before the previous page is handed on, so the node answers the next while this
 * one is decoded and checked. Ranges adapt: a sparse chain is read in ranges of up to `blockRange` blocks, a
 * dense one in ranges of about `pageLogs` logs, so a page is small enough to overlap and few enough to be cheap.
 */
export async function* eventPages(
  rpc: AuditRpc,
  addresses: AuditAddresses,
  options: ReadEventsOptions,
): AsyncGenerator<EventPage> {
  const maxRange = options.blockRange ?? 5_000;
  const pageLogs = options.pageLogs ?? 4_096;
  const sources = new Map<string, AuditedContract>(
    AUDITED.flatMap((name) => {
      const address = addresses[name];
      return address ? [[address.toLowerCase(), name] as const] : [];
    }),
  );
  const address = [...sources.keys()];
  const request = (from: number, to: number) =>
    rpc.send<RawLog[]>("eth_getLogs", [
      { address, fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` },
    ]);
  let range = Math.min(FIRST_RANGE, maxRange);
  let from = options.fromBlock;
  let to = Math.min(options.throughBlock, from + range - 1);
  let pending = from <= options.throughBlock ? request(from, to) : undefined;
  while (pending) {
    const logs = (await pending).filter((log) => !log.removed);
    const pageFrom = from;
    const pageTo = to;
    // The next range from this page's density: at most doubling, at least one block.
    const perBlock = logs.length / (pageTo - pageFrom + 1);
    range = Math.max(1, Math.min(maxRange, range * 2, Math.floor(pageLogs / Math.max(perBlock, 1e-9))));
    from = pageTo + 1;
    to = Math.min(options.throughBlock, from + range - 1);
    pending = from <= options.throughBlock ? request(from, to) : undefined;
    yield { ...(await decodePage(rpc, sources, logs)), fromBlock: pageFrom, toBlock: pageTo };
  }
}

async function decodePage(
  rpc: AuditRpc,
  sources: ReadonlyMap<string, AuditedContract>,
  logs: RawLog[],
): Promise<{ events: ChainEvent[]; unknownLogs: number }> {
  // Nodes that give each log its block's time (anvil, geth ≥ 1.14) spare a header request per block.
  const untimed = [...new Set(logs.filter((log) => !log.blockTimestamp).map((log) => log.blockNumber))];
  const headers = await sendEach<{ timestamp: string }>(
    rpc,
    "eth_getBlockByNumber",
    untimed.map((block) => [block, false]),
  );
  const timestamps = new Map(untimed.map((block, index) => [block, hexToNumber(headers[index]!.timestamp)]));
  const events: ChainEvent[] = [];
  let unknownLogs = 0;
  for (const log of logs) {
    const source = sources.get(log.address.toLowerCase());
    const timestamp = log.blockTimestamp ? hexToNumber(log.blockTimestamp) : timestamps.get(log.blockNumber)!;
    const event = source && decodeLog(source, log, timestamp);
    if (event) events.push(event);
    else unknownLogs++;
  }
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return { events, unknownLogs };
}
