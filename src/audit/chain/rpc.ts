/**
 * The node the audit reads, spoken to in plain JSON-RPC over HTTP: `eth_getLogs`, `eth_getTransactionByHash`,
 * `eth_getBlockByNumber`, `eth_getCode` and `eth_call` at a block. Nothing else: no gateway, no database.
 */
export interface AuditRpc {
  send<T>(method: string, params: unknown[]): Promise<T>;
  /** Many calls of one method in one JSON-RPC batch request, answers in the order asked (optional). */
  batch?<T>(method: string, paramsList: unknown[][]): Promise<T[]>;
}

export class RpcError extends Error {
  override readonly name = "RpcError";
}

interface RpcAnswer<T> {
  id?: number;
  result?: T;
  error?: { message: string };
}

/**
 * A client of the node at `url`: one `fetch` per call or per batch, the answer's `result` as is (no provider
 * layer). A batch's answers are matched to the calls by id, since a node may answer them in any order.
 */
export function rpcAt(url: string): Required<AuditRpc> & { close(): void } {
  let nextId = 1;
  const post = async <A>(method: string, body: unknown): Promise<A> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new RpcError(`${method}: the node answered HTTP ${response.status}`);
    return (await response.json()) as A;
  };
  const resultOf = <T>(method: string, answer: RpcAnswer<T> | undefined): T => {
    if (!answer) throw new RpcError(`${method}: the node left a call of the batch unanswered`);
    if (answer.error) throw new RpcError(`${method}: ${answer.error.message}`);
    return answer.result as T;
  };
  return {
    async send<T>(method: string, params: unknown[]): Promise<T> {
      return resultOf(
        method,
        await post<RpcAnswer<T>>(method, { jsonrpc: "2.0", id: nextId++, method, params }),
      );
    },
    async batch<T>(method: string, paramsList: unknown[][]): Promise<T[]> {
      if (paramsList.length === 0) return [];
      const first = nextId;
      nextId += paramsList.length;
      const calls = paramsList.map((params, index) => ({
        jsonrpc: "2.0",
        id: first + index,
        method,
        params,
      }));
      const answers = await post<RpcAnswer<T>[] | RpcAnswer<T>>(method, calls);
      // A node that refuses batches answers with one error object.
      if (!Array.isArray(answers)) return [resultOf(method, answers)];
      const byId = new Map(answers.map((answer) => [answer.id, answer]));
      return calls.map((call) => resultOf(method, byId.get(call.id)));
    },
    close() {},
  };
}

/** One call of `method` per item of `paramsList`: in batches of `size` where the client batches, else `limit` at a time. */
export async function sendEach<T>(
  rpc: AuditRpc,
  method: string,
  paramsList: unknown[][],
  { size = 100, limit = 16 }: { size?: number; limit?: number } = {},
): Promise<T[]> {
  const batch = rpc.batch?.bind(rpc);
  if (!batch) return mapLimited(paramsList, limit, (params) => rpc.send<T>(method, params));
  const chunks: unknown[][][] = [];
  for (let start = 0; start < paramsList.length; start += size)
    chunks.push(paramsList.slice(start, start + size));
  return (await mapLimited(chunks, 4, (chunk) => batch<T>(method, chunk))).flat();
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
