import { JsonRpcProvider } from "ethers";

/**
 * The node the audit reads, spoken to in plain JSON-RPC: `eth_getLogs`, `eth_getTransactionByHash`,
 * `eth_getBlockByNumber` and `eth_call` at a block. Nothing else: no gateway, no database.
 */
export interface AuditRpc {
  send<T>(method: string, params: unknown[]): Promise<T>;
}

export function rpcAt(url: string): AuditRpc & { close(): void } {
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  return {
    send: <T>(method: string, params: unknown[]) => provider.send(method, params) as Promise<T>,
    close: () => provider.destroy(),
  };
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(runners);
  return results;
}

export const hexToNumber = (hex: string): number => Number.parseInt(hex, 16);
