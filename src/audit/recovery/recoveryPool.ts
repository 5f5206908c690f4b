import { Worker } from "node:worker_threads";
import { RECOVERY_SOURCE, WORKER_SOURCE } from "./recoverySource";

type RecoverAll = (input: Uint8Array, count: number, output: Uint8Array) => void;
/** What a batch holds: bare signatures over given digests, or whole receipts whose digests are hashed in the worker. */
export type BatchKind = "signatures" | "receipts";

export const RECOVERY_PATHS = {
  native: require.resolve("secp256k1/bindings"),
  noble: require.resolve("@noble/curves/secp256k1.js"),
};

/** Bytes per task in a packed batch: the digest (32) and `r ‖ s ‖ v` (65). */
export const TASK_BYTES = 97;
/** Bytes per answer: the recovered address, all zero when nothing recovers. */
export const SIGNER_BYTES = 20;
/** A receipts batch: the header (`0x1901 ‖ separator`, typehash), then per receipt its 8 words and two signatures. */
export const RECEIPTS_HEADER_BYTES = 98;
export const RECEIPT_BYTES = 386;
/** Per receipt answered: digest 32, household account 20, beneficiary's signer 20, field agent's 20. */
export const RECEIPT_ANSWER_BYTES = 92;
const ANSWER_BYTES: Record<BatchKind, number> = { signatures: SIGNER_BYTES, receipts: RECEIPT_ANSWER_BYTES };

let inline: Record<BatchKind, RecoverAll> | undefined;
/** The same source the workers run, evaluated once on this thread. */
function inlineRecover(): Record<BatchKind, RecoverAll> {
  inline ??= new Function("require", "paths", `${RECOVERY_SOURCE}; return makeRecover(paths);`)(
    require,
    RECOVERY_PATHS,
  ) as Record<BatchKind, RecoverAll>;
  return inline;
}

interface Job {
  count: number;
  resolve(output: Uint8Array): void;
  reject(error: unknown): void;
}

interface Lane {
  worker: Worker;
  /** Jobs sent to this worker, answered in the order sent. */
  jobs: Job[];
  /** Tasks sent and not yet answered. */
  load: number;
}

/**
 * Worker threads that stay up for a whole audit, so batches of signatures are recovered while the next
 * pages of the chain are read. Each batch is one buffer of packed tasks, moved to the least loaded worker
 * (transferred, not copied), and answered as one buffer of signers, moved back. With no workers, batches
 * are recovered on this thread.
 */
export class RecoveryPool {
  private readonly lanes: Lane[] = [];
  private failure: unknown;
  /** Tasks recovered on this thread so far, while the workers are not worth starting. */
  private inlined = 0;
  private closing = false;

  /**
   * `workers` threads, started only once more than `inlineFirst` tasks have been asked for: a small audit
   * is recovered on this thread, since starting a worker (loading libsecp256k1) costs as much CPU as a few
   * thousand recoveries.
   */
  constructor(
    private readonly workers: number,
    private readonly inlineFirst = 0,
  ) {}

  private start(): void {
    this.lanes.push(
      ...Array.from({ length: this.workers }, () => {
        // No inherited `-r ts-node/register`: the source is plain JavaScript, and loading TypeScript's
        // compiler cost each worker about 0.4 s of CPU at start in a run under ts-node.
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          execArgv: [],
          workerData: { paths: RECOVERY_PATHS },
        });
        const lane: Lane = { worker, jobs: [], load: 0 };
        worker.on("message", (message: Uint8Array) => {
          const job = lane.jobs.shift();
          if (!job) return;
          lane.load -= job.count;
          job.resolve(new Uint8Array(message));
        });
        worker.on("error", (error) => this.fail(error));
        // A worker that stops on its own would leave its batches unanswered.
        worker.on("exit", (code) => {
          if (!this.closing) this.fail(new Error(`a recovery worker stopped (exit code ${code})`));
        });
        return lane;
      }),
    );
  }

  /**
   * The answers to the `count` items packed in `input`: for `signatures`, the signer of each task (97
   * bytes each), 20 bytes each; for `receipts`, 92 bytes a receipt (see `RECOVERY_SOURCE`).
   */
  recover(kind: BatchKind, input: Uint8Array, count: number): Promise<Uint8Array> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.lanes.length === 0 && this.workers > 0 && this.inlined + count > this.inlineFirst) this.start();
    if (this.lanes.length === 0 || count === 0) {
      this.inlined += count;
      const output = new Uint8Array(count * ANSWER_BYTES[kind]);
      inlineRecover()[kind](input, count, output);
      return Promise.resolve(output);
    }
    const lane = this.lanes.reduce((best, next) => (next.load < best.load ? next : best));
    return new Promise<Uint8Array>((resolve, reject) => {
      lane.jobs.push({ count, resolve, reject });
      lane.load += count;
      const buffer =
        input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
      lane.worker.postMessage({ kind, input: buffer.buffer, count }, [buffer.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const lane of this.lanes) for (const job of lane.jobs.splice(0)) job.reject(error);
  }
}
