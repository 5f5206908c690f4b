/**
 * The gateway under test, in its own process so the load generator never shares its event loop.
 * Started by `gatewayProcess.ts` with the bench's environment; reports its URLs over IPC, then waits
 * for "stop". A bare node:http server in the same process is the read baseline.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pino from "pino";
import { createApiKey } from "../../../src/apiKeys";
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/logging";
import { bootGateway } from "../../../src/main/bootGateway";

export interface ServerReady {
  type: "ready";
  url: string;
  bareUrl: string;
  chainUrl: string;
  regulatorKey: string;
  bootMs: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  // Request logs stay on, buffered as the default logger writes to stdout, but to a file.
  const logger = createLogger({
    level: config.logLevel,
    destination: pino.destination({ dest: join(config.dataDir, "gateway.log"), sync: false }),
  });
  const gateway = await bootGateway(config, { logger, listen: true });
  if (process.env.BENCH_LOOP_WATCH) {
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      if (now - last > 1000)
        process.stderr.write(`[loop] blocked ${(now - last).toFixed(0)} ms\n${new Error().stack}\n`);
      last = now;
    }, 100).unref();
    setInterval(() => {
      const m = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 2 ** 20);
      process.stderr.write(
        `[mem] rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`,
      );
    }, 10_000).unref();
  }
  const { key } = createApiKey(gateway.services.store.sqlite, {
    orgId: "regulator",
    role: "regulator",
    label: "bench regulator",
  });
  const bare = await listenBare();
  const ready: ServerReady = {
    type: "ready",
    url: gateway.url!,
    bareUrl: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
    chainUrl: gateway.chainUrl,
    regulatorKey: key,
    bootMs: performance.now() - started,
  };
  process.send!(ready);
  process.on("message", (message: { type?: string }) => {
    if (message?.type !== "stop") return;
    bare.close();
    bare.closeAllConnections();
    gateway
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  });
  process.on("disconnect", () => void gateway.stop().finally(() => process.exit(0)));
}

/** The smallest JSON server node:http can be: what the loopback and the generator cost without Express. */
function listenBare(): Promise<Server> {
  const body = JSON.stringify({ status: "ok" });
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
