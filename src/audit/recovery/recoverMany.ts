import { cpus } from "node:os";
import { RecoveryPool, SIGNER_BYTES, TASK_BYTES } from "./recoveryPool";

/** One signature to check: a 32-byte digest and the 65-byte signature submitted for it (0x hex). */
export interface RecoveryTask {
  digest: string;
  signature: string;
}

/** Below this many tasks, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 4_000;

const HEX_SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const HEX_DIGEST = /^0x[0-9a-fA-F]{64}$/;

/** Tasks packed for the pool, 97 bytes each; a task that is not a digest and a 65-byte signature stays zeros. */
export function packTasks(tasks: readonly RecoveryTask[], start = 0, end = tasks.length): Uint8Array {
  const input = Buffer.alloc((end - start) * TASK_BYTES);
  for (let i = start; i < end; i++) {
    const { digest, signature } = tasks[i]!;
    if (!HEX_SIGNATURE.test(signature) || !HEX_DIGEST.test(digest)) continue;
    const at = (i - start) * TASK_BYTES;
    input.write(digest.slice(2), at, "hex");
    input.write(signature.slice(2), at + 32, "hex");
  }
  return input;
}

/** The signers the pool answered, as lower-case addresses (undefined where nothing recovered). */
export function unpackSigners(
  output: Uint8Array,
  count: number,
  into: (string | undefined)[],
  offset: number,
): void {
  const bytes = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  for (let i = 0; i < count; i++) {
    const at = i * SIGNER_BYTES;
    let any = false;
    for (let j = at; j < at + SIGNER_BYTES && !any; j++) any = bytes[j] !== 0;
    into[offset + i] = any ? `0x${bytes.toString("hex", at, at + SIGNER_BYTES)}` : undefined;
  }
}

export interface RecoverManyOptions {
  /** Worker threads; defaults to the machine's cores. 0 recovers on this thread. */
  workers?: number;
}

/**
 * The ECDSA signer of each task (lower-case address), or undefined where the signature is malformed or
 * recovers nothing: split across worker threads, so both cores of a small machine recover at once.
 */
export async function recoverMany(
  tasks: readonly RecoveryTask[],
  options: RecoverManyOptions = {},
): Promise<(string | undefined)[]> {
  const results = new Array<string | undefined>(tasks.length);
  const requested = options.workers ?? cpus().length;
  const workers = tasks.length < WORKER_THRESHOLD ? 0 : requested;
  const pool = new RecoveryPool(workers);
  try {
    const share = Math.ceil(tasks.length / Math.max(1, workers));
    const batches = [];
    for (let start = 0; start < tasks.length; start += share) {
      const end = Math.min(tasks.length, start + share);
      batches.push(
        pool
          .recover("signatures", packTasks(tasks, start, end), end - start)
          .then((output) => unpackSigners(output, end - start, results, start)),
      );
    }
    await Promise.all(batches);
  } finally {
    await pool.close();
  }
  return results;
}
