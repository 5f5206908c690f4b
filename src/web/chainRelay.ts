import express, { type Router } from "express";
import type { JsonRpcProvider } from "ethers";

/**
 * The read-only JSON-RPC relay the pages' scripts ask the chain through (the pages may reach nothing but
 * the gateway): only the calls a browser needs to check a proof itself, each passed to the chain node
 * unchanged and its answer returned unchanged. Nothing that signs or sends is relayed.
 */
const READ_METHODS: Record<string, (params: unknown[]) => boolean> = {
  eth_chainId: (params) => params.length === 0,
  eth_blockNumber: (params) => params.length === 0,
  eth_getTransactionReceipt: (params) => params.length === 1 && isHash(params[0]),
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
              message:
                "Only read calls are relayed: eth_chainId, eth_blockNumber, eth_getTransactionReceipt, eth_call",
            },
          },
          400,
        );
      }
      try {
        reply({ result: await provider().send(method as string, params) });
      } catch {
        reply({ error: { code: -32000, message: "The chain node did not answer" } }, 502);
      }
    },
  );
}
