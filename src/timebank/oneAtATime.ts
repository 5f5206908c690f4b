/** The end of the last call holding each key: the next one waits for it. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `work` once no earlier call holding any of `keys` is still running, so two requests on one service
 * (a recipient's confirmation and the coordinator's, two overlapping batches) or one idempotency key never
 * interleave across their awaits: the second finds the first one's rows and answers from them. Keys are
 * taken in sorted order, so calls sharing several keys cannot wait on each other in a circle. In-process:
 * a gateway is the one process that writes its database and sends its organisations' chain writes.
 */
export async function oneAtATime<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
    return await work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

async function acquire(key: string): Promise<() => void> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => held);
  tails.set(key, tail);
  await previous;
  return () => {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
}
