import type { Database } from "better-sqlite3";
import { DuplicateError } from "../errors";
import { requestFingerprint, type PepperRing } from "../identity";

/**
 * What each idempotency key was first used for: a keyed fingerprint of the request (HMAC with the
 * pepper, since a body can carry a national ID), so the same key with another body is refused.
 */
export const IDEMPOTENCY_SQL = `
  CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    pepper_version  INTEGER NOT NULL,
    fingerprint     TEXT NOT NULL CHECK (length(fingerprint) = 64),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (scope, org_id, idempotency_key)
  ) STRICT;
`;

export interface IdempotentRequest {
  db: Database;
  peppers: PepperRing;
  /** The kind of request (`gift`, `programme.create`, `disbursement`, `households.import`). */
  scope: string;
  orgId: string;
  idempotencyKey: string;
  /** The request as it matters: canonical JSON of the parsed body and path, or the uploaded bytes. */
  payload: string | Buffer;
  now(): Date;
}

/**
 * Remembers the request's fingerprint under its key. Call it inside the transaction that writes the
 * request's first row: a request refused before writing anything leaves no key behind.
 */
export type ClaimKey = () => void;

interface Flight {
  fingerprint: string;
  result: Promise<unknown>;
}

/** Requests running right now, per database, by scope, organisation and key. */
const flights = new WeakMap<Database, Map<string, Flight>>();

/**
 * Runs a request at most once per key. A caller repeating a key while the first request runs gets that
 * request's own result (not a second run, not a constraint error); a key used before with another body
 * is refused with 409 `idempotency_key_reused`, whether the first request is running or done. `run`
 * itself returns the stored outcome when the key was already done.
 */
export async function runIdempotent<T>(
  request: IdempotentRequest,
  run: (claim: ClaimKey) => Promise<T>,
): Promise<T> {
  const { db, peppers, scope, orgId, idempotencyKey, payload } = request;
  const fingerprint = requestFingerprint(peppers, scope, payload);
  const id = JSON.stringify([scope, orgId, idempotencyKey]);
  const running = flights.get(db) ?? new Map<string, Flight>();
  flights.set(db, running);
  const flight = running.get(id);
  if (flight) {
    if (flight.fingerprint !== fingerprint) throw reused();
    return flight.result as Promise<T>;
  }
  const stored = db
    .prepare(
      "SELECT pepper_version, fingerprint FROM idempotency_keys WHERE scope = ? AND org_id = ? AND idempotency_key = ?",
    )
    .get(scope, orgId, idempotencyKey) as { pepper_version: number; fingerprint: string } | undefined;
  // A key fingerprinted under a pepper the ring no longer holds cannot be compared: it is taken as the same.
  if (stored && peppers.has(stored.pepper_version)) {
    const again = requestFingerprint(peppers, scope, payload, stored.pepper_version);
    if (again !== stored.fingerprint) throw reused();
  }
  const claim: ClaimKey = () => {
    db.prepare(
      `INSERT OR IGNORE INTO idempotency_keys (scope, org_id, idempotency_key, pepper_version, fingerprint, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(scope, orgId, idempotencyKey, peppers.current, fingerprint, request.now().toISOString());
  };
  const result = run(claim);
  running.set(id, { fingerprint, result });
  try {
    return await result;
  } finally {
    if (running.get(id)?.result === result) running.delete(id);
  }
}

function reused(): DuplicateError {
  return new DuplicateError(
    "idempotencyKey",
    "idempotency_key_reused",
    "This idempotency key was used for another request.",
  );
}

/** Canonical JSON: keys sorted at every level, so the same request always has the same fingerprint. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : typeof inner === "bigint"
        ? inner.toString()
        : inner,
  );
}
