import { z } from "zod";
import { jsonRequestBody, jsonResponse, publicOperation } from "../api/openapi/jsonSchema";
import type { OpenApiPaths } from "../api/openapi/types";
import { CHAIN_RELAY_BODY_LIMIT, CHAIN_RELAY_PATH, RELAYED_METHODS } from "../web";

/** The relay echoes whatever id the request carried (null when none). */
const rpcId = z.unknown().describe("The request's id, echoed as sent; null when it sent none");
const rpcError = z.strictObject({
  jsonrpc: z.literal("2.0"),
  id: rpcId,
  error: z.strictObject({ code: z.number().int(), message: z.string() }),
});

/**
 * The pages' routes that belong in the API's document: the JSON ones a script calls. Only the chain relay
 * is one; the pages themselves (HTML, forms with a session cookie and a CSRF token, the gift's event
 * stream read with a cookie) are the web face's own and stay out of it (README, "Web pages"). The pages'
 * router serves this path; the document only describes it, and the OpenAPI e2e walk answers it.
 */
export const PAGES_OPENAPI: OpenApiPaths = {
  [CHAIN_RELAY_PATH]: {
    post: publicOperation(
      {
        operationId: "relayChainRead",
        summary: "Read the chain through the gateway (JSON-RPC, read calls only)",
        description: `The relay the pages' scripts check proofs and delivery signatures through (the transaction and its receipt, the ledger's EIP-712 domain, the registry's bound wallet, the ecrecover precompile at \`0x…01\`), since a page may reach nothing but the gateway: one JSON-RPC 2.0 request of ${RELAYED_METHODS.map((m) => `\`${m}\``).join(", ")} (\`eth_call\` with \`to\` and \`data\` only, at \`latest\` or a block number), passed to the chain node unchanged and its answer returned unchanged. Anything else (a write, a signature, another method or parameter) is refused with 400 and a JSON-RPC error \`-32601\`; an error the node answers (a revert, a block whose state it no longer keeps) is returned as the node gave it, with 200; a node that does not answer is 502 \`-32000\`. No key: what it reads is public on the chain. Bodies up to ${CHAIN_RELAY_BODY_LIMIT}.`,
        tags: ["meta"],
        requestBody: jsonRequestBody(
          z.object({
            jsonrpc: z.literal("2.0").optional(),
            id: z.union([z.number().int(), z.string()]).optional(),
            method: z.enum(RELAYED_METHODS as [string, ...string[]]),
            params: z.array(z.unknown()).optional(),
          }),
          { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] },
        ),
        responses: {
          "200": jsonResponse(
            "The node's answer, unchanged: its result, or the JSON-RPC error it answered",
            z.strictObject({
              jsonrpc: z.literal("2.0"),
              id: rpcId,
              result: z.unknown().optional(),
              error: z
                .strictObject({ code: z.number().int(), message: z.string(), data: z.string().optional() })
                .optional()
                .describe("The JSON-RPC error the node answered, in place of a result"),
            }),
            { jsonrpc: "2.0", id: 1, result: "0x2a" },
          ),
          "400": jsonResponse("Not a read call the relay passes on, or not JSON (-32700)", rpcError, {
            jsonrpc: "2.0",
            id: 1,
            error: {
              code: -32601,
              message: `Only read calls are relayed: ${RELAYED_METHODS.join(", ")}`,
            },
          }),
          "413": jsonResponse("The body is larger than the relay reads", rpcError, {
            jsonrpc: "2.0",
            id: null,
            error: {
              code: -32600,
              message: `The request is larger than the relay reads (${CHAIN_RELAY_BODY_LIMIT})`,
            },
          }),
          "415": jsonResponse("The body is not application/json", rpcError, {
            jsonrpc: "2.0",
            id: null,
            error: { code: -32600, message: "Send the request as application/json" },
          }),
          "500": jsonResponse("The relay failed", rpcError, {
            jsonrpc: "2.0",
            id: null,
            error: { code: -32603, message: "The relay failed" },
          }),
          "502": jsonResponse("The chain node did not answer", rpcError, {
            jsonrpc: "2.0",
            id: 1,
            error: { code: -32000, message: "The chain node did not answer" },
          }),
        },
      },
      { rateLimited: true },
    ),
  },
};
