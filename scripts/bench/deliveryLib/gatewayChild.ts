import { fork } from "node:child_process";
import { join } from "node:path";
import type { BenchReply, BenchRequest } from "./protocol";

export type Ready = Extract<BenchReply, { type: "ready" }>;

export interface DeliveryGatewayChild {
  ready: Ready;
  pid: number;
  /** Sends one request and resolves with the gateway's answer to it (one request at a time). */
  ask<T extends BenchReply["type"]>(
    request: BenchRequest,
    answer: T,
  ): Promise<Extract<BenchReply, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * Starts deliveryGateway.ts in a child process on `dataDir` (its output on our stderr, so `--json` keeps
 * stdout).
 */
export async function startDeliveryGateway(
  dataDir: string,
  households: number,
): Promise<DeliveryGatewayChild> {
  const child = fork(join(__dirname, "deliveryGateway.ts"), [], {
    env: { ...process.env, TMPDIR: dataDir, BENCH_HOUSEHOLDS: String(households) },
    execArgv: ["-r", "ts-node/register/transpile-only"],
    stdio: ["ignore", 2, 2, "ipc"],
  });
  let pending: ((message: BenchReply) => void) | undefined;
  let exited = false;
  const died = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => {
      exited = true;
      reject(new Error(`the delivery bench gateway exited (code ${code}, signal ${signal})`));
    }),
  );
  died.catch(() => undefined);
  child.on("message", (message: BenchReply) => {
    const resolve = pending;
    pending = undefined;
    resolve?.(message);
  });
  const next = () => Promise.race([new Promise<BenchReply>((resolve) => (pending = resolve)), died]);
  const ask = async <T extends BenchReply["type"]>(request: BenchRequest, answer: T) => {
    const reply = next();
    child.send(request);
    const message = await reply;
    if (message.type === "error") throw new Error(`gateway: ${message.message}`);
    if (message.type !== answer) throw new Error(`gateway answered ${message.type}, not ${answer}`);
    return message as Extract<BenchReply, { type: T }>;
  };
  const ready = await next();
  if (ready.type !== "ready") throw new Error(`gateway: ${JSON.stringify(ready)}`);
  return {
    ready,
    pid: child.pid!,
    ask,
    async stop() {
      if (exited) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      await ask({ type: "stop" }, "stopped").catch(() => undefined);
      await died.catch(() => undefined);
      clearTimeout(timer);
    },
  };
}
