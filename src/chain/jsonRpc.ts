/**
 * A node spoken to in plain JSON-RPC over HTTP, for the readers that pull many logs (the indexer): no
 * provider layer, whose pure-JS UTF-8 decoding of the answer and checksumming of every log's address cost
 * more than the reading itself. The answer's `result` is returned as the node wrote it.
 */
export interface JsonRpc {
  send<T>(method: string, params: unknown[]): Promise<T>;
}

export class JsonRpcError extends Error {
  override readonly name = "JsonRpcError";
}

/** A log as `eth_getLogs` returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

/** The part of `eth_getBlockByNumber(n, false)` a chain follower needs. */
export interface RawBlockHeader {
  number: string;
  hash: string;
  timestamp: string;
}

/** A client of the node at `url`: one `fetch` per call. */
export function jsonRpcAt(url: string): JsonRpc {
  let nextId = 1;
  return {
    async send<T>(method: string, params: unknown[]): Promise<T> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      });
      if (!response.ok) throw new JsonRpcError(`${method}: the node answered HTTP ${response.status}`);
      const answer = (await response.json()) as { result?: T; error?: { message: string } };
      if (answer.error) throw new JsonRpcError(`${method}: ${answer.error.message}`);
      return answer.result as T;
    },
  };
}

export const hexToNumber = (hex: string): number => Number.parseInt(hex, 16);
export const numberToHex = (value: number): string => `0x${value.toString(16)}`;
