import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { ANVIL_STATE_HISTORY } from "../config/fields";
import type { BlockBuilder } from "./outbox";
import { forgetNode, recordNode, takeOverOrphan, type TakeOver } from "./orphanNode";
import { createProvider } from "./provider";

/** A running embedded chain: anvil with its state kept in the data folder. */
export interface LocalChain {
  url: string;
  chainId: number;
  /** The node's process id. */
  pid: number;
  /** Where the state is saved; anvil loads it on the next start. */
  statePath: string;
  /**
   * Saves the node's whole state (blocks, receipts, accounts) as soon as the save in progress ends:
   * resolves once a save that began after the call is on disk. Concurrent callers share one save.
   */
  saveState(): Promise<void>;
  /**
   * Asks for a save without waiting for it. Saves coalesce, one at a time, and spaced so that the node
   * spends at most a tenth of its time saving: every block on a small chain, every minute or so at 30 MB.
   */
  requestSave(): void;
  /** Saves the state, then stops the node. */
  stop(): Promise<void>;
  /**
   * Holds transactions in the pool (automine off) until released, then mines them in one block: each
   * block costs anvil time that grows with its whole state, so a group of batches in one block instead of
   * one each is what keeps registration and issuance flat as the chain grows.
   */
  blockBuilder: BlockBuilder;
  /** Whether a node left running by an earlier gateway on this data folder was found, saved and stopped. */
  tookOver: TakeOver;
}

/** The embedded node's block gas limit: a pipeline group of 32 batches of ~15M gas fits. */
export const BLOCK_GAS_LIMIT = 1_000_000_000;

export interface LocalChainOptions {
  dataDir: string;
  port: number;
  host?: string;
  chainId?: number;
  /** Called when a requested save fails (a save on stop or an awaited one rejects instead). */
  onSaveError?(error: unknown): void;
  /**
   * How many recent blocks' states the node keeps for calls at a past block (anvil's `--prune-history`;
   * default 8). Without a bound anvil keeps a whole copy of the state per block, up to 500 of them.
   */
  stateHistory?: number;
  /** How often the head is polled for blocks the gateway did not make, to save them too (default 250 ms). */
  blockPollMs?: number;
}

/** The anvil binary shipped inside the `@foundry-rs/anvil-<platform>` npm package. */
export function anvilBinary(): string {
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  return require.resolve(`${platformPackage}/bin/anvil`);
}

/**
 * Starts anvil on `port`, loading the state saved in the data folder, and resolves once it answers
 * JSON-RPC. The state is saved from here (`anvil_dumpState`, written to a temporary file, synced and
 * renamed over the last one) whenever the head moves (as often as `StateSaver` allows), and on stop:
 * anvil's own `--state-interval` dump ran every 2 s, so a kill lost the blocks since the last one, and it
 * writes the file in place, where a kill during the write can leave it half written.
 */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const host = options.host ?? "127.0.0.1";
  const chainId = options.chainId ?? 31337;
  const chainDir = join(options.dataDir, "chain");
  mkdirSync(chainDir, { recursive: true });
  const statePath = join(chainDir, "state.json");
  const tookOver = await takeOverOrphan(chainDir, (url) => dumpState(url, statePath));
  // Another node on the port would answer our readiness probe and silently take our place.
  await assertPortFree(host, options.port);
  const binary = anvilBinary();
  const child = spawn(
    binary,
    [
      "--host",
      host,
      "--port",
      String(options.port),
      "--chain-id",
      String(chainId),
      ...(existsSync(statePath) ? ["--load-state", statePath] : []),
      // Room for a pipeline group in one block (see ChainOutbox's PIPELINE_DEPTH); each transaction stays
      // under the 16.7M per-transaction cap.
      "--gas-limit",
      String(BLOCK_GAS_LIMIT),
      // Bounded memory: each remembered block is a whole copy of the state (see ANVIL_STATE_HISTORY). Logs,
      // receipts and blocks are all kept; only calls at a block older than these answer "out of range".
      "--prune-history",
      String(options.stateHistory ?? ANVIL_STATE_HISTORY),
      "--silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const url = `http://${host}:${options.port}`;
  if (child.pid !== undefined) recordNode(chainDir, { pid: child.pid, url, binary });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    await waitForRpc(url, chainId, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const saver = new StateSaver(() => dumpState(url, statePath));
  const requestSave = () => void saver.request().catch((error: unknown) => options.onSaveError?.(error));
  const watcher = watchBlocks(
    url,
    await rpc<string>(url, "eth_blockNumber"),
    options.blockPollMs ?? 250,
    requestSave,
  );
  return {
    url,
    chainId,
    pid: child.pid!,
    statePath,
    saveState: () => saver.save(),
    requestSave,
    blockBuilder: automineSwitch(url),
    tookOver,
    stop: async () => {
      clearInterval(watcher);
      if (child.exitCode === null) await saver.save();
      await stopChild(child);
      forgetNode(chainDir);
    },
  };
}

/**
 * Asks for a save whenever the head moves, so that blocks the gateway did not make (a donor's own `give`
 * sent to the node) are saved too, within a poll and a save.
 */
function watchBlocks(url: string, loadedHead: string, pollMs: number, onBlock: () => void): NodeJS.Timeout {
  let seen = loadedHead;
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    rpc<string>(url, "eth_blockNumber")
      .then((head) => {
        if (head !== seen) onBlock();
        seen = head;
      })
      .catch(() => undefined) // the node is stopping or busy: the next poll asks again
      .finally(() => {
        polling = false;
      });
  }, pollMs);
  timer.unref();
  return timer;
}

/**
 * Holds are counted, so overlapping groups release the node only when the last one ends. Turning automine
 * back on mines everything the pool holds in one block (anvil does so at once). A crash while held leaves
 * nothing wrong behind: the node is a child of the gateway and starts again with automine on.
 */
function automineSwitch(url: string): BlockBuilder {
  let holds = 0;
  return {
    hold: async () => {
      if (holds++ === 0) await rpc(url, "evm_setAutomine", [false]);
    },
    release: async () => {
      if (--holds === 0) await rpc(url, "evm_setAutomine", [true]);
    },
  };
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.result === undefined) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.result;
}

/**
 * Saves one at a time. A save (anvil serialising every block and receipt, the gateway writing the file)
 * costs time that grows with the chain: 0.1 s at a few hundred blocks, about 5 s at 30 MB of state. So a
 * requested save starts no sooner than `SAVE_SPACING` save-durations after the last one ended (the node
 * spends at most a tenth of its time saving), while an awaited one starts as soon as the current save ends.
 * Every caller's promise resolves after a save that started after its call.
 */
class StateSaver {
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private urgent = false;
  private wake: (() => void) | undefined;
  private lastEnded = 0;
  private lastDuration = 0;

  constructor(private readonly dump: () => Promise<void>) {}

  save(): Promise<void> {
    return this.schedule(true);
  }

  request(): Promise<void> {
    return this.schedule(false);
  }

  private schedule(urgent: boolean): Promise<void> {
    if (urgent) {
      this.urgent = true;
      this.wake?.();
    }
    this.next ??= this.runNext();
    return this.next;
  }

  private async runNext(): Promise<void> {
    await this.current?.catch(() => undefined);
    const wait = this.lastEnded + SAVE_SPACING * this.lastDuration - Date.now();
    if (!this.urgent && wait > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.wake = undefined;
    this.next = undefined;
    this.urgent = false;
    const started = Date.now();
    this.current = this.dump().finally(() => {
      this.lastEnded = Date.now();
      this.lastDuration = this.lastEnded - started;
      this.current = undefined;
    });
    return this.current;
  }
}

/** Save-durations between the end of a save and the start of a requested one. */
const SAVE_SPACING = 9;

/** Writes anvil's state where `--load-state` reads it, atomically: a kill at any moment leaves a whole file. */
async function dumpState(url: string, statePath: string): Promise<void> {
  // anvil answers gzipped JSON as one hex string; --load-state reads plain JSON. The answer is decoded and
  // unzipped as it arrives: held whole (the hex, the gzip, the JSON) it was 550 MB of the gateway's memory
  // at 100,000 households.
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "anvil_dumpState", params: [] }),
  });
  if (!response.ok || response.body === null)
    throw new Error(`anvil_dumpState failed: HTTP ${response.status}`);
  const temporary = `${statePath}.${process.pid}.tmp`;
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    new HexResult("anvil_dumpState"),
    createGunzip(),
    createWriteStream(temporary, { mode: 0o600 }),
  );
  const file = await open(temporary, "r+");
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, statePath);
  const folder = await open(join(statePath, ".."), "r");
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * The bytes of a JSON-RPC answer whose result is one hex string (`{"jsonrpc":"2.0","id":1,"result":"0x…"}`),
 * decoded as the answer streams in; an answer without a result fails with its text (the node's error).
 */
export class HexResult extends Transform {
  private head = "";
  private inResult = false;
  private done = false;
  private carry = "";

  constructor(private readonly method: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let text = chunk.toString("latin1");
    if (!this.inResult) {
      this.head += text;
      const at = this.head.indexOf(RESULT_PREFIX);
      if (at < 0) {
        if (this.head.length > 65_536) return callback(new Error(`${this.method} answered no result`));
        return callback();
      }
      this.inResult = true;
      text = this.head.slice(at + RESULT_PREFIX.length);
      this.head = "";
    }
    if (this.done) return callback();
    const end = text.indexOf('"');
    if (end >= 0) {
      text = text.slice(0, end);
      this.done = true;
    }
    text = this.carry + text;
    const whole = text.length - (text.length % 2);
    this.carry = text.slice(whole);
    if (whole > 0) this.push(Buffer.from(text.slice(0, whole), "hex"));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.done || this.carry !== "")
      return callback(new Error(`${this.method} failed: ${this.head.slice(0, 300)}`));
    callback();
  }
}

const RESULT_PREFIX = '"result":"0x';

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
