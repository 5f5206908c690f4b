/**
 * The node the audit reads, spoken to in plain JSON-RPC over HTTP: `eth_getLogs`, `eth_getTransactionByHash`,
 * `eth_getBlockByNumber`, `eth_getCode` and `eth_call` at a block. Nothing else: no gateway, no database.
 */
export interface AuditRpc {
  send<T>(method: string, params: unknown[]): Promise<T>;
}

export class RpcError extends Error {
  override readonly name = "RpcError";
}

/** A client of the node at `url`: one `fetch` per call, the answer's `result` as is (no provider layer). */
export function rpcAt(url: string): AuditRpc & { close(): void } {
  let nextId = 1;
  return {
    async send<T>(method: string, params: unknown[]): Promise<T> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      });
      if (!response.ok) throw new RpcError(`${method}: the node answered HTTP ${response.status}`);
      const answer = (await response.json()) as { result?: T; error?: { message: string } };
      if (answer.error) throw new RpcError(`${method}: ${answer.error.message}`);
      return answer.result as T;
    },
    close() {},
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
