import { Worker } from "node:worker_threads";

/**
 * Folds the write-ahead log back into the database file from a worker thread with its own connection, so
 * requests rarely wait for it. With only SQLite's automatic checkpoint, the commit that crossed its
 * threshold copied the whole log's pages into the file and synced it on the event loop: at 500 household
 * reads a second (each appends to the access log) one such commit held the loop for 57 ms, and every
 * request queued behind it was late (p99 55 ms where the handler's own p99 was 7.6 ms).
 *
 * The worker runs a PASSIVE checkpoint every `intervalMs`: it copies what no reader still needs and
 * never blocks the writer or the readers. Under a steady stream of commits such a checkpoint is rarely
 * complete at the moment a commit begins, so SQLite cannot restart the log from its beginning; the
 * gateway's connection keeps its automatic checkpoint as the bound on the log's length, and when it
 * fires, the pages are already in the file and it copies only the last interval's.
 */
export interface WalCheckpointer {
  /** Waits for the checkpoint in progress, if any, and ends the worker. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints (a checkpoint with nothing to copy costs a look at the log's index). */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma("busy_timeout = 5000");
let stopping = false;
let timer;
function tick() {
  if (stopping) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on("message", () => {
  stopping = true;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/** Starts the checkpointing worker for the database file `filename` (see above). */
export function startWalCheckpointer(
  filename: string,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Plain JavaScript: no inherited `-r ts-node/register` (TypeScript's compiler loaded for nothing).
    execArgv: [],
    workerData: {
      driver: require.resolve("better-sqlite3"),
      filename,
      intervalMs: options.intervalMs ?? 250,
    },
  });
  let stopped: Promise<void> | undefined;
  let exited = false;
  worker.once("exit", () => {
    exited = true;
  });
  worker.on("message", (message: { error?: string }) => {
    if (message.error !== undefined) options.onError?.(new Error(`WAL checkpoint failed: ${message.error}`));
  });
  worker.on("error", (error) => options.onError?.(error));
  // The worker must never keep a process alive that has nothing else to do (after the listeners: adding
  // a "message" listener refs the worker again).
  worker.unref();
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        // Held while it ends: an unref'd worker is no reason to stay alive, so a caller awaiting its end
        // with nothing else pending (a failed boot closing the store) would see the process exit, code 0,
        // with the boot's error never reported.
        worker.ref();
        worker.once("exit", () => resolve());
        worker.on("message", (message: { stopped?: boolean }) => {
          if (message.stopped) void worker.terminate();
        });
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
