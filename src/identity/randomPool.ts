import { randomBytes, randomFillSync } from "node:crypto";

/** Bytes drawn from the system's CSPRNG at a time. */
const POOL_BYTES = 4096;

let pool = Buffer.alloc(0);
let used = 0;

/**
 * `size` bytes from the CSPRNG, drawn 4 KB at a time. Each call of `randomBytes` costs about 10 µs here
 * whatever its size, and an import made three per household (its data key and two IVs), a registration
 * two per wallet: 3.9 s of a 100,000-household import's CPU. The bytes handed out are copied and wiped
 * from the pool, so no key outlives its caller there.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomBytes(size);
  if (used + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    used = 0;
  }
  const out = Buffer.from(pool.subarray(used, used + size));
  pool.fill(0, used, used + size);
  used += size;
  return out;
}
