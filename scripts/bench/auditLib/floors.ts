import { recoverMany, type AuditAddresses, type AuditRpc, type RecoveryTask } from "../../../src/audit";
import { sendEach } from "../../../src/audit/chain/rpc";
import { AidLedger__factory } from "../../../typechain-types";
import { cpuSeconds } from "../gatewayLib/processCpu";

/**
 * What no audit of a ledger can do without, on this machine and against this node, measured alone: the
 * recoveries and the reading of the chain. Their CPU divided by the cores is a floor under the audit's
 * time, whatever the audit's own decoding and checks cost.
 */
export interface AuditFloor {
  /** The ledger's count of bare signatures (no digest hashed, nothing checked) recovered by the worker pool. */
  recoverMs: number;
  recoverCpuMs: number;
  /**
   * Every log of the audited contracts, in ranges of 16 blocks, then every redemption's transaction in
   * batches of 8 (as the audit asks for them), fetched one request at a time and parsed, nothing decoded.
   */
  readMs: number;
  /** This process's CPU for the reading (HTTP and `JSON.parse`). */
  readCpuMs: number;
  /** The node's CPU answering it. */
  nodeCpuMs?: number;
  logs: number;
  transactions: number;
  /** (recoverCpuMs + readCpuMs + nodeCpuMs) / cores. */
  lowerBoundMs?: number;
}

const RANGE = 16;
const REDEEMED = AidLedger__factory.createInterface().getEvent("DeliveryRedeemed").topicHash;

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export async function auditFloor(options: {
  rpc: AuditRpc;
  nodePid: number;
  addresses: AuditAddresses;
  throughBlock: number;
  tasks: readonly RecoveryTask[];
  cores: number;
}): Promise<AuditFloor> {
  const { rpc, addresses, throughBlock, tasks, cores } = options;
  let cpu = process.cpuUsage();
  let started = performance.now();
  await recoverMany(tasks, { workers: cores });
  const recoverMs = performance.now() - started;
  const recoverCpuMs = cpuMs(cpu);

  const address = Object.values(addresses).filter((value): value is string => value !== undefined);
  const nodeBefore = cpuSeconds(options.nodePid);
  cpu = process.cpuUsage();
  started = performance.now();
  let logs = 0;
  const redemptionTxs = new Set<string>();
  for (let from = 0; from <= throughBlock; from += RANGE) {
    const page = await rpc.send<{ topics: string[]; transactionHash: string }[]>("eth_getLogs", [
      {
        address,
        fromBlock: `0x${from.toString(16)}`,
        toBlock: `0x${Math.min(from + RANGE - 1, throughBlock).toString(16)}`,
      },
    ]);
    logs += page.length;
    for (const log of page) if (log.topics[0] === REDEEMED) redemptionTxs.add(log.transactionHash);
  }
  const hashes = [...redemptionTxs].map((hash) => [hash]);
  const transactions = (await sendEach(rpc, "eth_getTransactionByHash", hashes, { size: 8 })).length;
  const readMs = performance.now() - started;
  const readCpuMs = cpuMs(cpu);
  const nodeAfter = cpuSeconds(options.nodePid);
  const nodeCpuMs =
    nodeBefore === undefined || nodeAfter === undefined ? undefined : (nodeAfter - nodeBefore) * 1000;
  return {
    recoverMs,
    recoverCpuMs,
    readMs,
    readCpuMs,
    nodeCpuMs,
    logs,
    transactions,
    lowerBoundMs: nodeCpuMs === undefined ? undefined : (recoverCpuMs + readCpuMs + nodeCpuMs) / cores,
  };
}
