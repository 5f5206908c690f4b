import { fork, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { killLeftNode } from "../../../src/chain/orphanNode";
import type { ServerReady } from "./server";

/** Requests allowed per API key per window during the bench: the default 300/60 s would throttle it. */
/**
 * The gateway's V8 heap limit in production: its live heap stays near 150 MB, but without a limit V8 let
 * garbage pile up to 1.4 GB of resident memory at 100,000 households before collecting it.
 */
export const GATEWAY_HEAP_LIMIT_MB = 640;

export const BENCH_RATE_LIMIT_MAX = 1_000_000;

export interface GatewayProcess extends ServerReady {
  pid: number;
  /** How the process ended, if it ended before `stop` (an out-of-memory kill is signal SIGKILL). */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

/**
 * Boots the gateway (embedded profile: anvil under `dataDir`, API on a free loopback port) in a child
 * process. Its output goes to our stderr, so `--json` keeps stdout to itself.
 */
export async function startGatewayProcess(dataDir: string): Promise<GatewayProcess> {
  const env = {
    ...process.env,
    SINTECH_PROFILE: "embedded",
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    SINTECH_ANVIL_PORT: String(await freePort()),
    SINTECH_RATE_LIMIT_MAX: String(BENCH_RATE_LIMIT_MAX),
    LOG_LEVEL: "info",
  };
  const child = fork(join(__dirname, "server.ts"), [], {
    env,
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the gateway process there, to see where time goes.
    execArgv: [
      // As `npm start` and the README's service-manager line run it (see GATEWAY_HEAP_LIMIT_MB).
      `--max-old-space-size=${GATEWAY_HEAP_LIMIT_MB}`,
      "-r",
      "ts-node/register/transpile-only",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // BENCH_TRACE_GC=1 prints each of the gateway's garbage collections (and its pause) to stderr.
      ...(process.env.BENCH_TRACE_GC ? ["--trace-gc"] : []),
    ],
    stdio: ["ignore", 2, 2, "ipc"],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once("message", (message) => resolve(message as ServerReady));
    child.once("exit", (code) => reject(new Error(`the gateway exited during boot (code ${code})`)));
  });
  // A gateway that dies mid-run makes the next request fail with a bare "fetch failed": say why here.
  let stopping = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.once("exit", (code, signal) => {
    if (stopping) return;
    exit = { code, signal };
    process.stderr.write(`[bench:gateway] the gateway exited (code ${code}, signal ${signal})\n`);
  });
  return {
    ...ready,
    pid: child.pid!,
    exited: () => exit,
    stop: async () => {
      stopping = true;
      await stopChild(child);
      // A gateway SIGKILLed after 20 s (the last save at 1,000,000 households takes longer) leaves its node
      // running, and the bench removes the data folder next.
      killLeftNode(join(dataDir, "chain"));
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // A profiled gateway writes its profile after the last state save: give it the time to.
    const timer = setTimeout(() => child.kill("SIGKILL"), process.env.BENCH_CPU_PROF ? 300_000 : 20_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ type: "stop" });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
