import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createProvider } from "./provider";

/** A running embedded chain: anvil with its state kept in the data folder. */
export interface LocalChain {
  url: string;
  chainId: number;
  stop(): Promise<void>;
}

export interface LocalChainOptions {
  dataDir: string;
  port: number;
  host?: string;
  chainId?: number;
  /** Seconds between state dumps; the state is also dumped on a clean stop. */
  stateInterval?: number;
}

/** The anvil binary shipped inside the `@foundry-rs/anvil-<platform>` npm package. */
export function anvilBinary(): string {
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  return require.resolve(`${platformPackage}/bin/anvil`);
}

/**
 * Starts anvil on `port` with `--state`, so every block survives a restart, and resolves once it answers
 * JSON-RPC. Stopping sends SIGTERM, which makes anvil write its state before exiting.
 */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const host = options.host ?? "127.0.0.1";
  const chainId = options.chainId ?? 31337;
  // Another node on the port would answer our readiness probe and silently take our place.
  await assertPortFree(host, options.port);
  const chainDir = join(options.dataDir, "chain");
  mkdirSync(chainDir, { recursive: true });
  const child = spawn(
    anvilBinary(),
    [
      "--host",
      host,
      "--port",
      String(options.port),
      "--chain-id",
      String(chainId),
      "--state",
      join(chainDir, "state.json"),
      "--state-interval",
      String(options.stateInterval ?? 2),
      "--gas-limit",
      "60000000",
      "--silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://${host}:${options.port}`;
  try {
    await waitForRpc(url, chainId, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return { url, chainId, stop: () => stopChild(child) };
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () =>
      reject(new Error(`Port ${port} on ${host} is in use: stop the other node or set SINTECH_ANVIL_PORT`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function waitForRpc(
  url: string,
  chainId: number,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const provider = createProvider(url, chainId);
  try {
    for (let attempt = 0; attempt < 150; attempt++) {
      if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr()}`);
      try {
        await provider.send("eth_chainId", []);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`anvil did not answer on ${url} within 15 s: ${stderr()}`);
  } finally {
    provider.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
