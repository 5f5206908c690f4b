import type { Database } from "better-sqlite3";
import type { RequestHandler } from "express";
import { findApiKey } from "../../apiKeys";

/**
 * Resolves the caller from `Authorization: Bearer <key>` or `X-API-Key: <key>`. It never rejects:
 * public routes stay reachable with a stale key, and `requireRole` decides (401/403) where it matters.
 * Running before the rate limiter lets limits apply per key rather than per address.
 */
export function identify(db: Database): RequestHandler {
  return (req, res, next) => {
    const key = presentedKey(req.headers.authorization, req.headers["x-api-key"]);
    if (key === undefined) return next();
    const record = key === null ? undefined : findApiKey(db, key);
    if (record && record.revokedAt === null) {
      res.locals.principal = { keyId: record.id, orgId: record.orgId, role: record.role };
    } else {
      res.locals.credentialsRejected = true;
    }
    next();
  };
}

/** undefined: no credentials; null: credentials in a form we do not accept. */
function presentedKey(authorization: string | undefined, apiKeyHeader: string | string[] | undefined) {
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : null;
  }
  if (apiKeyHeader !== undefined) return typeof apiKeyHeader === "string" ? apiKeyHeader.trim() : null;
  return undefined;
}
