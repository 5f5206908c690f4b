import express, { type ErrorRequestHandler, type Router } from "express";
import type { JsonRpcProvider } from "ethers";

/**
 * The read-only JSON-RPC relay the pages' scripts ask the chain through (the pages may reach nothing but
 * the gateway): only the calls a browser needs to check a proof or a delivery's signature itself (an
 * `eth_call` may reach the ecrecover precompile at 0x01 like any contract), each passed to the chain node
 * unchanged and its answer returned unchanged. Nothing that signs or sends is relayed.
 */
const READ_METHODS: Record<string, (params: unknown[]) => boolean> = {
  eth_chainId: (params) => params.length === 0,
  eth_blockNumber: (params) => params.length === 0,
  eth_getTransactionReceipt: (params) => params.length === 1 && isHash(params[0]),
  // The transaction itself: its calldata carries the receipt and the signature the page checks.
  eth_getTransactionByHash: (params) => params.length === 1 && isHash(params[0]),
  eth_call: (params) =>
    params.length === 2 &&
    isCall(params[0]) &&
    (params[1] === "latest" || (typeof params[1] === "string" && /^0x[0-9a-f]{1,16}$/.test(params[1]))),
};
const isHash = (value: unknown) => typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
function isCall(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { to, data, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof to === "string" &&
    /^0x[0-9a-fA-F]{40}$/.test(to) &&
    typeof data === "string" &&
    /^0x([0-9a-fA-F]{2}){4,1024}$/.test(data)
  );
}

export const CHAIN_RELAY_PATH = "/app/chain-rpc";
/** The methods the relay passes on, for its documentation in the API's OpenAPI document. */
export const RELAYED_METHODS = Object.keys(READ_METHODS);
/** The largest request body the relay reads. */
export const CHAIN_RELAY_BODY_LIMIT = "4kb";

export function registerChainRelay(router: Router, provider: () => JsonRpcProvider): void {
  router.post(
    CHAIN_RELAY_PATH,
    (req, _res, next) =>
      next(req.is("application/json") ? undefined : Object.assign(new Error("not JSON"), { status: 415 })),
    express.json({ limit: CHAIN_RELAY_BODY_LIMIT, strict: true }),
    async (req, res) => {
      const {
        id = null,
        method,
        params = [],
      } = (req.body ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
      const reply = (body: Record<string, unknown>, status = 200) =>
        res
          .status(status)
          .set("Cache-Control", "no-store")
          .json({ jsonrpc: "2.0", id, ...body });
      const check = typeof method === "string" ? READ_METHODS[method] : undefined;
      if (!check || !Array.isArray(params) || !check(params)) {
        return reply(
          {
            error: {
              code: -32601,
              message: `Only read calls are relayed: ${RELAYED_METHODS.join(", ")}`,
            },
          },
          400,
        );
      }
      try {
        reply({ result: await provider().send(method as string, params) });
      } catch (error) {
        // The node answered with its own JSON-RPC error (a revert, a block whose state it no longer keeps):
        // that answer is passed on as the node gave it, as JSON-RPC over HTTP does, and the page decides.
        const answered = nodeError(error);
        if (answered) return reply({ error: answered });
        reply({ error: { code: -32000, message: "The chain node did not answer" } }, 502);
      }
    },
  );
  router.use(CHAIN_RELAY_PATH, relayErrors);
}

/** The JSON-RPC error the node answered, as ethers keeps it on the error it throws; none if it did not answer. */
function nodeError(error: unknown): { code: number; message: string; data?: string } | undefined {
  const thrown = error as { info?: { error?: unknown }; error?: unknown } | null;
  const answered = (thrown?.info?.error ?? thrown?.error) as
    { code?: unknown; message?: unknown; data?: unknown } | undefined;
  if (typeof answered?.code !== "number") return undefined;
  return {
    code: answered.code,
    message: typeof answered.message === "string" ? answered.message : "",
    ...(typeof answered.data === "string" ? { data: answered.data } : {}),
  };
}

/**
 * The relay speaks JSON-RPC to the end: a body it cannot read is answered as JSON-RPC says (a parse
 * error, an invalid request), never with the pages' HTML error page a JSON-RPC client could not read.
 */
const relayErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const answer = (status: number, code: number, message: string) =>
    res
      .status(status)
      .set("Cache-Control", "no-store")
      .json({ jsonrpc: "2.0", id: null, error: { code, message } });
  if (error?.type === "entity.too.large")
    return answer(413, -32600, `The request is larger than the relay reads (${CHAIN_RELAY_BODY_LIMIT})`);
  if (error?.type === "entity.parse.failed") return answer(400, -32700, "The request is not valid JSON");
  if (error?.status === 415) return answer(415, -32600, "Send the request as application/json");
  if (typeof error?.status === "number" && error.status >= 400 && error.status < 500)
    return answer(error.status, -32600, "The request is not one the relay reads");
  answer(500, -32603, "The relay failed");
};
