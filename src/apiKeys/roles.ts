/** Gateway roles, mirroring the on-chain roles plus `donor` (donors need an API key, not a chain role). */
export const ROLES = [
  "regulator",
  "charity",
  "vendor",
  "field_agent",
  "auditor",
  "registrar",
  "donor",
] as const;

export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  keyId: string;
  orgId: string;
  role: Role;
}
