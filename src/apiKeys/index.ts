/** API keys: their format and hash, the stored records, the roles they carry; no HTTP here. */
export { ROLES, type Principal, type Role } from "./roles";
export { API_KEY_PREFIX, generateApiKey, hashApiKey, isApiKeyShaped } from "./apiKeyFormat";
export type { ApiKeyRecord } from "./apiKeyRecord";
export { migrateApiKeys } from "./migrateApiKeys";
export { createApiKey, type CreateApiKeyParameters, type CreatedApiKey } from "./createApiKey";
export { findApiKey } from "./findApiKey";
export { revokeApiKey } from "./revokeApiKey";
export { listApiKeys } from "./listApiKeys";
export { createWebSession, endWebSession, findWebSession, WEB_SESSION_TTL_MS } from "./webSessions";
export type { WebSession } from "./webSessions";
export { LOGIN_LINKS_SQL, WEB_SESSIONS_SQL } from "./sessionSchema";
export {
  createLoginLink,
  redeemLoginLink,
  LOGIN_LINK_MAX_MINUTES,
  LOGIN_LINK_PATH,
  LOGIN_LINK_TTL_MINUTES,
} from "./loginLinks";
export type { LoginLink, LoginLinkRefusal } from "./loginLinks";
