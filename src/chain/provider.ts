import {
  JsonRpcProvider,
  makeError,
  Network,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";

/** What ethers allows for one HTTP request before it gives up; kept the same here. */
const REQUEST_TIMEOUT_MS = 300_000;

/**
 * A JSON-RPC provider for the gateway. ethers caches identical reads for 250 ms by default, which returns
 * a stale `pending` nonce right after a transaction; the gateway manages nonces itself, so caching is off.
 * ethers also holds every request 10 ms to batch it with others; calls made together still go out as
 * one batch without the wait, which otherwise added 10 ms to every API read that touches the chain.
 */
export function createProvider(url: string, chainId: number, pollingInterval = 100): JsonRpcProvider {
  return new GatewayProvider(url, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval,
    batchStallTime: 0,
  });
}

/**
 * Sends each payload with Node's own `fetch`, whose UTF-8 decoding and JSON parsing are native. ethers'
 * transport decodes the answer's bytes in JavaScript first, which for the receipts of large batches (one
 * log per household) cost more than the rest of waiting for them. Failures keep ethers' codes:
 * `NETWORK_ERROR` when the node cannot be reached, `SERVER_ERROR` for an HTTP error status.
 */
class GatewayProvider extends JsonRpcProvider {
  readonly #url: string;
  #queue: Queued[] = [];
  #draining = false;
  #nextId = 1;

  constructor(url: string, network: Network, options: ConstructorParameters<typeof JsonRpcProvider>[2]) {
    super(url, network, options);
    this.#url = url;
  }

  /**
   * Queues the call and sends what was queued together as batches of at most `BATCH_MAX_COUNT` payloads
   * and about `BATCH_MAX_BYTES`, as ethers does; but ethers measured a batch by serialising it again for
   * every payload it added, so 500 reads made together (a disbursement's coverage reads) were serialised
   * about 50 times each: 6 s of the gateway's CPU in a 100,000-household disbursement. Here each payload's
   * size is measured once.
   */
  override async send(method: string, params: unknown[] | Record<string, unknown>): Promise<any> {
    await this._start();
    if (this.destroyed) return Promise.reject(destroyedError(method));
    const payload: JsonRpcPayload = { method, params, id: this.#nextId++, jsonrpc: "2.0" };
    return new Promise((resolve, reject) => {
      this.#queue.push({ payload, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setTimeout(() => this.#drain(), 0);
      }
    });
  }

  #drain(): void {
    this.#draining = false;
    const queued = this.#queue;
    this.#queue = [];
    for (const batch of batches(queued)) void this.#sendBatch(batch);
  }

  async #sendBatch(batch: readonly Queued[]): Promise<void> {
    const payload = batch.length === 1 ? batch[0]!.payload : batch.map((entry) => entry.payload);
    this.emit("debug", { action: "sendRpcPayload", payload });
    let results: JsonRpcResult[];
    try {
      results = await this._send(payload);
      this.emit("debug", { action: "receiveRpcResult", result: results });
    } catch (error) {
      this.emit("debug", { action: "receiveRpcError", error });
      for (const { reject } of batch) reject(error);
      return;
    }
    const byId = new Map(results.map((result) => [result.id, result]));
    for (const { payload: sent, resolve, reject } of batch) {
      if (this.destroyed) {
        reject(destroyedError(sent.method));
        continue;
      }
      const result = byId.get(sent.id);
      if (result === undefined) {
        const error = makeError("missing response for request", "BAD_DATA", {
          value: results,
          info: { payload: sent },
        });
        this.emit("error", error);
        reject(error);
      } else if ("error" in result) {
        reject(this.getRpcError(sent, result as JsonRpcError));
      } else {
        resolve(result.result);
      }
    }
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw makeError(`fetch failed: ${reason}`, "NETWORK_ERROR", { event: "request" });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw makeError(`the node answered HTTP ${response.status}`, "SERVER_ERROR", {
        request: undefined as never,
        response: undefined as never,
        info: { status: response.status },
      });
    }
    const answer = (await response.json()) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(answer) ? answer : [answer];
  }
}

/** ethers' limits for one JSON-RPC batch, kept. */
const BATCH_MAX_COUNT = 100;
const BATCH_MAX_BYTES = 1 << 20;

interface Queued {
  payload: JsonRpcPayload;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The queue cut into batches in order: a new batch at `BATCH_MAX_COUNT` payloads or past `BATCH_MAX_BYTES`. */
export function* batches<T extends { payload: JsonRpcPayload }>(queued: readonly T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const entry of queued) {
    const size = JSON.stringify(entry.payload).length + 1;
    if (batch.length > 0 && (batch.length === BATCH_MAX_COUNT || bytes + size > BATCH_MAX_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

function destroyedError(method: string) {
  return makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", { operation: method });
}
