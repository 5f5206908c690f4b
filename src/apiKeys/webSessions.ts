import type { Database } from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import { cachedStatement } from "../db/statements";
import type { Principal, Role } from "./roles";

/** A page session lives eight hours, a working day at the counter; then the key is asked for again. */
export const WEB_SESSION_TTL_MS = 8 * 3600 * 1000;

export interface WebSession extends Principal {
  /** The token every state-changing form of this session must carry. */
  csrfToken: string;
  expiresAt: string;
}

const hashOf = (sessionId: string) => createHash("sha256").update(sessionId, "utf8").digest("hex");

/** Opens a session for a valid key's principal; answers the id for the cookie (shown nowhere else). */
export function createWebSession(
  db: Database,
  principal: Principal,
  now: Date = new Date(),
): { sessionId: string; session: WebSession } {
  const sessionId = randomBytes(32).toString("base64url");
  const session: WebSession = {
    ...principal,
    csrfToken: randomBytes(32).toString("base64url"),
    expiresAt: new Date(now.getTime() + WEB_SESSION_TTL_MS).toISOString(),
  };
  const write = db.transaction(() => {
    // Expired sessions are swept at each login: the table holds only live ones and a day's leftovers.
    cachedStatement(db, "DELETE FROM web_sessions WHERE expires_at <= ?").run(now.toISOString());
    cachedStatement(
      db,
      `INSERT INTO web_sessions (session_hash, key_id, org_id, role, csrf_token, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      hashOf(sessionId),
      principal.keyId,
      principal.orgId,
      principal.role,
      session.csrfToken,
      now.toISOString(),
      session.expiresAt,
    );
  });
  write();
  return { sessionId, session };
}

/** The live session of a cookie's id: unexpired, and its key still unrevoked; undefined otherwise. */
export function findWebSession(
  db: Database,
  sessionId: string,
  now: Date = new Date(),
): WebSession | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
  const row = cachedStatement(
    db,
    `SELECT s.key_id, s.org_id, s.role, s.csrf_token, s.expires_at
       FROM web_sessions s JOIN api_keys k ON k.id = s.key_id
      WHERE s.session_hash = ? AND s.expires_at > ? AND k.revoked_at IS NULL`,
  ).get(hashOf(sessionId), now.toISOString()) as
    { key_id: string; org_id: string; role: Role; csrf_token: string; expires_at: string } | undefined;
  return (
    row && {
      keyId: row.key_id,
      orgId: row.org_id,
      role: row.role,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    }
  );
}

/** Ends a session (logout); unknown ids are ignored. */
export function endWebSession(db: Database, sessionId: string): void {
  cachedStatement(db, "DELETE FROM web_sessions WHERE session_hash = ?").run(hashOf(sessionId));
}
