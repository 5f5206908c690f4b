import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { RECOVERY_SOURCE, WORKER_SOURCE } from "./recoverySource";

/** One signature to check: a 32-byte digest and the 65-byte signature submitted for it (0x hex). */
export interface RecoveryTask {
  digest: string;
  signature: string;
}

type RecoverAll = (input: Uint8Array, count: number, output: Uint8Array) => void;

const PATHS = {
  native: require.resolve("secp256k1/bindings"),
  noble: require.resolve("@noble/curves/secp256k1.js"),
};

/** Below this many tasks, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 4_000;

let inline: RecoverAll | undefined;
function inlineRecover(): RecoverAll {
  // The same source the workers run, evaluated once on this thread.
  inline ??= new Function("require", "paths", `${RECOVERY_SOURCE}; return makeRecover(paths);`)(
    require,
    PATHS,
  ) as RecoverAll;
  return inline;
}

function pack(tasks: readonly RecoveryTask[], start: number, end: number): Uint8Array {
  const input = new Uint8Array((end - start) * 97);
  for (let i = start; i < end; i++) {
    const { digest, signature } = tasks[i]!;
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature) || !/^0x[0-9a-fA-F]{64}$/.test(digest)) continue;
    input.set(Buffer.from(digest.slice(2), "hex"), (i - start) * 97);
    input.set(Buffer.from(signature.slice(2), "hex"), (i - start) * 97 + 32);
  }
  return input;
}

function unpack(output: Uint8Array, count: number, into: (string | undefined)[], offset: number): void {
  for (let i = 0; i < count; i++) {
    const bytes = output.subarray(i * 20, i * 20 + 20);
    into[offset + i] = bytes.some((byte) => byte !== 0)
      ? `0x${Buffer.from(bytes).toString("hex")}`
      : undefined;
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
  const workers = options.workers ?? cpus().length;
  if (workers === 0 || tasks.length < WORKER_THRESHOLD) {
    const output = new Uint8Array(tasks.length * 20);
    inlineRecover()(pack(tasks, 0, tasks.length), tasks.length, output);
    unpack(output, tasks.length, results, 0);
    return results;
  }
  const share = Math.ceil(tasks.length / workers);
  await Promise.all(
    Array.from({ length: workers }, async (_, index) => {
      const start = index * share;
      const end = Math.min(tasks.length, start + share);
      if (start >= end) return;
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: PATHS } });
      try {
        const input = pack(tasks, start, end);
        const output = await new Promise<Uint8Array>((resolve, reject) => {
          worker.once("message", (message: Uint8Array) => resolve(new Uint8Array(message)));
          worker.once("error", reject);
          worker.postMessage({ input: input.buffer, count: end - start }, [input.buffer as ArrayBuffer]);
        });
        unpack(output, end - start, results, start);
      } finally {
        await worker.terminate();
      }
    }),
  );
  return results;
}
