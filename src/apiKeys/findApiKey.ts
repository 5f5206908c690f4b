import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import { hashApiKey, isApiKeyShaped } from "./apiKeyFormat";
import { API_KEY_COLUMNS, toApiKeyRecord, type ApiKeyRecord, type ApiKeyRow } from "./apiKeyRecord";

/** The record for a plaintext key, revoked or not; undefined when the key is unknown or malformed. */
export function findApiKey(db: Database, key: string): ApiKeyRecord | undefined {
  if (!isApiKeyShaped(key)) return undefined;
  const row = cachedStatement(db, `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`).get(
    hashApiKey(key),
  ) as ApiKeyRow | undefined;
  return row && toApiKeyRecord(row);
}
