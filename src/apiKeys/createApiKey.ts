import { randomBytes } from "node:crypto";
import type { Database } from "better-sqlite3";
import { z } from "zod";
import { parseInput } from "../validation/parseInput";
import { generateApiKey, hashApiKey } from "./apiKeyFormat";
import type { ApiKeyRecord } from "./apiKeyRecord";
import { migrateApiKeys } from "./migrateApiKeys";
import { ROLES, type Role } from "./roles";

export interface CreateApiKeyParameters {
  orgId: string;
  role: Role;
  /** What the key is for, shown in listings ("Tehran intake laptop"). */
  label: string;
}

export interface CreatedApiKey {
  /** The plaintext key: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

const parametersSchema = z.strictObject({
  orgId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/),
  role: z.enum(ROLES),
  label: z.string().trim().min(1).max(200),
});

/** Issues a key for an organisation and role; usable from the CLI before the server ever ran. */
export function createApiKey(db: Database, parameters: CreateApiKeyParameters): CreatedApiKey {
  const { orgId, role, label } = parseInput(parametersSchema, parameters);
  migrateApiKeys(db);
  const key = generateApiKey();
  const record: ApiKeyRecord = {
    id: `key_${randomBytes(8).toString("hex")}`,
    orgId,
    role,
    label,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  db.prepare(
    `INSERT INTO api_keys (id, key_hash, org_id, role, label, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(record.id, hashApiKey(key), orgId, role, label, record.createdAt);
  return { key, record };
}
