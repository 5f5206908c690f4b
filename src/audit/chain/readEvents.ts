import type { AuditAddresses, ChainEvent } from "../types";
import { decodeLog, type RawLog } from "./decodeLogs";
import { hexToNumber, mapLimited, type AuditRpc } from "./rpc";

/** The contracts whose events the audit reads (a deployment record also names the timelock). */
const AUDITED: (keyof AuditAddresses)[] = ["ledger", "registry", "licences", "anchor", "auditLog"];

export interface ReadEventsOptions {
  fromBlock: number;
  throughBlock: number;
  /** Blocks per `eth_getLogs` request: bounded, so a long chain is read in pieces a node will answer. */
  blockRange?: number;
}

export interface ReadEvents {
  events: ChainEvent[];
  /** Logs of the audited contracts that match no event of their ABI. */
  unknownLogs: number;
}

/** Every event of the audited contracts from `fromBlock` through `throughBlock`, in chain order. */
export async function readEvents(
  rpc: AuditRpc,
  addresses: AuditAddresses,
  options: ReadEventsOptions,
): Promise<ReadEvents> {
  const range = options.blockRange ?? 5_000;
  const sources = new Map<string, keyof AuditAddresses>(
    AUDITED.map((name) => [addresses[name].toLowerCase(), name]),
  );
  const windows: [number, number][] = [];
  for (let start = options.fromBlock; start <= options.throughBlock; start += range) {
    windows.push([start, Math.min(options.throughBlock, start + range - 1)]);
  }
  const pages = await mapLimited(windows, 4, ([from, to]) =>
    rpc.send<RawLog[]>("eth_getLogs", [
      { address: [...sources.keys()], fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` },
    ]),
  );
  const logs = pages.flat().filter((log) => !log.removed);
  const timestamps = await blockTimestamps(rpc, [...new Set(logs.map((log) => log.blockNumber))]);
  const events: ChainEvent[] = [];
  let unknownLogs = 0;
  for (const log of logs) {
    const source = sources.get(log.address.toLowerCase());
    const event = source && decodeLog(source, log, timestamps.get(log.blockNumber)!);
    if (event) events.push(event);
    else unknownLogs++;
  }
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return { events, unknownLogs };
}

async function blockTimestamps(rpc: AuditRpc, blocks: string[]): Promise<Map<string, number>> {
  const headers = await mapLimited(blocks, 16, (block) =>
    rpc.send<{ timestamp: string }>("eth_getBlockByNumber", [block, false]),
  );
  return new Map(blocks.map((block, index) => [block, hexToNumber(headers[index]!.timestamp)]));
}
