import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EvidenceStore } from "../../../src/evidence";

/**
 * NOT Kubo: a real HTTP server that speaks the two calls of Kubo's RPC API the Kubo adapter makes
 * (`POST /api/v0/add` with a multipart body, answering NDJSON; `POST /api/v0/cat?arg=<cid>`, answering the
 * bytes or Kubo's 500 error object), backed by a real Helia store. Kubo itself cannot be installed on
 * these machines (its npm package downloads a binary), so this is how the adapter is driven over HTTP.
 * It records every request's path and query so tests can check what the adapter asked for.
 */
export interface KuboRpcSubset {
  url: string;
  requests: { path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

export async function startKuboRpcSubset(backing: EvidenceStore): Promise<KuboRpcSubset> {
  const requests: KuboRpcSubset["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://kubo");
    requests.push({ path: url.pathname, query: url.searchParams });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        try {
          if (req.method === "POST" && url.pathname === "/api/v0/add") {
            const file = firstMultipartPart(Buffer.concat(chunks), req.headers["content-type"] ?? "");
            const cid = await backing.put(file);
            res.writeHead(200, { "Content-Type": "application/x-ndjson" });
            res.end(`${JSON.stringify({ Name: cid, Hash: cid, Size: String(file.length) })}\n`);
          } else if (req.method === "POST" && url.pathname === "/api/v0/cat") {
            const cid = url.searchParams.get("arg") ?? "";
            let bytes: Uint8Array;
            try {
              bytes = await backing.get(cid);
            } catch {
              res.writeHead(500, { "Content-Type": "application/json" });
              res.end(
                JSON.stringify({
                  Message: `block was not found locally (offline): ipld: could not find ${cid}`,
                  Code: 0,
                  Type: "error",
                }),
              );
              return;
            }
            res.writeHead(200, { "Content-Type": "text/plain", "X-Stream-Output": "1" });
            res.end(Buffer.from(bytes));
          } else {
            res.writeHead(404, { "Content-Type": "text/plain" });
            res.end("404 page not found");
          }
        } catch (error) {
          res.writeHead(500, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ Message: String(error), Code: 0, Type: "error" }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The body of the first part of a multipart/form-data request (the one file `add` sends). */
function firstMultipartPart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error("not multipart");
  const delimiter = Buffer.from(`--${boundary}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
  if (start < 0 || headersEnd < 0 || end < 0) throw new Error("malformed multipart body");
  return body.subarray(headersEnd + 4, end);
}
