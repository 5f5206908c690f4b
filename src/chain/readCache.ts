import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import { decodeRevert } from "./decodeRevert";

/**
 * Migration 14: the last value the gateway read from the chain for each fact it needs to keep serving
 * while the chain is unreachable (a vendor allowed in a programme, a programme's co-signature rule, a
 * household's entitlement and used receipt nonces). Keys name programmes, addresses and keyed household
 * references only; values are numbers and booleans.
 */
export const CHAIN_READ_CACHE_SQL = `
  CREATE TABLE chain_read_cache (
    cache_key TEXT PRIMARY KEY,
    value     TEXT NOT NULL,
    read_at   TEXT NOT NULL
  ) STRICT;
`;

const lastWritten = new WeakMap<Database, Map<string, string>>();

/** How long a chain read may take before the gateway answers from what it last read. */
export const CHAIN_READ_TIMEOUT_MS = 2_000;

export interface CachedRead<T> {
  value: T;
  /** When the value was read from the chain (now, when `fresh`). */
  readAt: string;
  /** False when the chain was unreachable and the value is the last one read. */
  fresh: boolean;
}

/**
 * Reads a fact from the chain and records it; when the node does not answer (refused, reset, timed out),
 * answers the last value recorded under `key` instead. A revert is an answer, never hidden; with nothing
 * recorded the node's error is thrown as it came.
 */
export async function readThrough<T>(
  db: Database,
  key: string,
  read: () => Promise<T>,
  now: () => Date = () => new Date(),
): Promise<CachedRead<T>> {
  const readAt = now().toISOString();
  try {
    const value = await withTimeout(read(), CHAIN_READ_TIMEOUT_MS);
    const encoded = JSON.stringify(value, (_, item: unknown) =>
      typeof item === "bigint" ? `${item}n` : item,
    );
    // A value unchanged since this process last wrote it is not written again: acceptances read the same
    // facts thousands of times. (Its older read time only makes the outage estimate more cautious.)
    const written = lastWritten.get(db) ?? new Map<string, string>();
    lastWritten.set(db, written);
    if (written.get(key) !== encoded) {
      cachedStatement(
        db,
        `INSERT INTO chain_read_cache (cache_key, value, read_at) VALUES (?, ?, ?)
           ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, read_at = excluded.read_at`,
      ).run(key, encoded, readAt);
      written.set(key, encoded);
    }
    return { value, readAt, fresh: true };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const row = cachedStatement(db, "SELECT value, read_at FROM chain_read_cache WHERE cache_key = ?").get(
      key,
    ) as { value: string; read_at: string } | undefined;
    if (row === undefined) throw error;
    const value = JSON.parse(row.value, (_, item: unknown) =>
      typeof item === "string" && /^[0-9]+n$/.test(item) ? BigInt(item.slice(0, -1)) : item,
    ) as T;
    return { value, readAt: row.read_at, fresh: false };
  }
}

/** The node did not answer: no revert data, and a transport failure or our own timeout. */
export function isUnreachable(error: unknown): boolean {
  if (decodeRevert(error, []) !== undefined) return false;
  if (error instanceof ChainTimeoutError) return true;
  const code = (error as { code?: unknown })?.code;
  if (code === "NETWORK_ERROR" || code === "TIMEOUT" || code === "SERVER_ERROR") return true;
  const text = String((error as { message?: unknown })?.message ?? error);
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|timeout/i.test(text);
}

class ChainTimeoutError extends Error {
  constructor() {
    super("the chain did not answer in time");
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChainTimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
