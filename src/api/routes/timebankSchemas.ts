import { z } from "zod";
import { MEMBER_STATUSES } from "../../timebank";
import { addressSchema, EXAMPLE_ADDRESS, EXAMPLE_REF, refSchema } from "./responseSchemas";

/** What the time bank's routes answer, as strict zod schemas (the OpenAPI document is made from them). */

const EXAMPLE_TIME = "2026-12-01T09:30:00.000Z";
export const EXAMPLE_MEMBER_WALLET = "0x5b38da6a701c568545dcfcb03fcb875f56beddc4";
export const EXAMPLE_ORG_ID = "org_3f9a2c1e5b7d";

export const coordinator = {
  schema: z.strictObject({
    orgId: z.string(),
    address: addressSchema.describe("The charity's own account: it signs the coordinator's calls"),
    licenceStatus: z
      .enum(["pending", "active", "failed"])
      .describe("The Coordinator licence's job: `active` once the chain holds it"),
    validUntil: z.number().int().describe("Licence expiry, Unix seconds"),
    appointedAt: z.string().describe("ISO 8601 date and time"),
  }),
  example: {
    orgId: EXAMPLE_ORG_ID,
    address: EXAMPLE_ADDRESS,
    licenceStatus: "active",
    validUntil: 1796112000,
    appointedAt: EXAMPLE_TIME,
  },
};

export const member = {
  schema: z.strictObject({
    memberRef: refSchema.describe("The keyed member ref (HMAC of the national ID); never personal data"),
    wallet: z
      .string()
      .regex(/^0x[0-9a-f]{40}$/)
      .describe("The wallet bound on chain, lower-case"),
    custody: z.enum(["custodial", "self"]).describe("`custodial`: the gateway holds its key"),
    coordinatorOrgId: z.string().describe("The coordinator that admitted the member"),
    status: z.enum(MEMBER_STATUSES).describe("As the TimeBank holds it"),
    balance: z.number().int().describe("Minutes; negative down to `-creditLimit`"),
    creditLimit: z.number().int().describe("How far below zero the member may go, in minutes"),
    nonce: z.number().int().describe("The next nonce a confirmation signed by this member must carry"),
    createdAt: z.string().describe("ISO 8601 date and time"),
  }),
  example: {
    memberRef: EXAMPLE_REF,
    wallet: EXAMPLE_MEMBER_WALLET,
    custody: "custodial",
    coordinatorOrgId: EXAMPLE_ORG_ID,
    status: "active",
    balance: 0,
    creditLimit: 120,
    nonce: 0,
    createdAt: EXAMPLE_TIME,
  },
};
