import type { Database } from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { cachedStatement } from "../db/statements";
import { requestFingerprint, type PepperRing } from "../identity";
import type { Principal, Role } from "./roles";

/** A link lasts fifteen minutes unless its maker asks for less (or up to an hour). */
export const LOGIN_LINK_TTL_MINUTES = 15;
export const LOGIN_LINK_MAX_MINUTES = 60;

/** A visible prefix, as API keys have one: a leaked link is recognised by scanners and people. */
export const LOGIN_LINK_PREFIX = "stl_";
const TOKEN_SHAPE = /^stl_[A-Za-z0-9_-]{43}$/;

/**
 * Where a link is opened: the token rides in the fragment, which browsers never send, so it reaches
 * neither the gateway's request log nor a proxy's access log; the page's button posts it in the body.
 */
export const LOGIN_LINK_PATH = "/app/login/link";

export interface LoginLink {
  /** `/app/login/link#stl_…`: shown once, to whoever made it; only its keyed hash is kept. */
  path: string;
  expiresAt: string;
}

/** Why a token was refused: never made here (or altered), already used, past its time, or its key revoked. */
export type LoginLinkRefusal = "unknown" | "used" | "expired" | "revoked";

const hashOf = (peppers: PepperRing, token: string, version: number) =>
  requestFingerprint(peppers, "login-link", token, version);

/**
 * Makes a single-use login link that signs in as `principal` (its organisation, role and key: revoking
 * the key kills the link and its sessions). The token is 256 random bits; the table keeps only its HMAC
 * under the current pepper, so a copy of the database holds no working link.
 */
export function createLoginLink(
  db: Database,
  peppers: PepperRing,
  principal: Principal,
  options: { minutes?: number; now?: Date } = {},
): LoginLink {
  const minutes = options.minutes ?? LOGIN_LINK_TTL_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > LOGIN_LINK_MAX_MINUTES)
    throw new RangeError(`a login link lasts 1 to ${LOGIN_LINK_MAX_MINUTES} minutes`);
  const now = options.now ?? new Date();
  const token = LOGIN_LINK_PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
  db.transaction(() => {
    // Links spent or expired a day ago are swept at each new one: the table holds only recent ones.
    cachedStatement(db, "DELETE FROM login_links WHERE expires_at <= ?").run(
      new Date(now.getTime() - 86_400_000).toISOString(),
    );
    cachedStatement(
      db,
      `INSERT INTO login_links (token_hash, pepper_version, key_id, org_id, role, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      hashOf(peppers, token, peppers.current),
      peppers.current,
      principal.keyId,
      principal.orgId,
      principal.role,
      now.toISOString(),
      expiresAt,
    );
  })();
  return { path: `${LOGIN_LINK_PATH}#${token}`, expiresAt };
}

/**
 * Spends a link's token: the principal it signs in as, once; a second use, a late one, an altered token or
 * one whose key was revoked is refused with its reason. Marking it used and reading it are one statement, so
 * two requests racing with the same token cannot both win.
 */
export function redeemLoginLink(
  db: Database,
  peppers: PepperRing,
  token: string,
  now: Date = new Date(),
): { ok: true; principal: Principal } | { ok: false; reason: LoginLinkRefusal } {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: "unknown" };
  return db.transaction(() => {
    for (const version of peppers.versions) {
      const hash = hashOf(peppers, token, version);
      const row = cachedStatement(
        db,
        `SELECT l.key_id, l.org_id, l.role, l.expires_at, l.used_at,
                (k.id IS NULL OR k.revoked_at IS NOT NULL) AS revoked
           FROM login_links l LEFT JOIN api_keys k ON k.id = l.key_id
          WHERE l.token_hash = ? AND l.pepper_version = ?`,
      ).get(hash, version) as
        | {
            key_id: string;
            org_id: string;
            role: Role;
            expires_at: string;
            used_at: string | null;
            revoked: 0 | 1;
          }
        | undefined;
      if (!row) continue;
      if (row.used_at !== null) return { ok: false as const, reason: "used" as const };
      if (row.expires_at <= now.toISOString()) return { ok: false as const, reason: "expired" as const };
      if (row.revoked === 1) return { ok: false as const, reason: "revoked" as const };
      const spent = cachedStatement(
        db,
        "UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
      ).run(now.toISOString(), hash);
      if (spent.changes !== 1) return { ok: false as const, reason: "used" as const };
      return {
        ok: true as const,
        principal: { keyId: row.key_id, orgId: row.org_id, role: row.role },
      };
    }
    return { ok: false as const, reason: "unknown" as const };
  })();
}
