import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface ServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  /** How long `stop` waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  /** The port actually bound. */
  port: number;
  host: string;
  url: string;
  server: Server;
  /** Stops accepting connections, lets in-flight requests finish, then closes what remains. */
  stop(): Promise<void>;
}

export function startServer(
  app: Express,
  { port, host, shutdownGraceMs = 5_000 }: ServerOptions,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const bound = (server.address() as AddressInfo).port;
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        port: bound,
        host,
        url: `http://${urlHost}:${bound}`,
        server,
        stop: () => stop(server, shutdownGraceMs),
      });
    });
  });
}

function stop(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    // Keep-alive connections with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
  });
}
