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

const EXAMPLE_SERVICE_ID = "svc_5f0c7a2e-3b1d-4e8f-9a6c-2d4b8e1f7a3c";
export { EXAMPLE_SERVICE_ID };
const EXAMPLE_GIVER = "0x2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f";
const EXAMPLE_TIMEBANK = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const EXAMPLE_EVIDENCE = "0x7c3e5b7d9f6f1d0c3a5e7b9f2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a";

const typedDataSchema = z
  .strictObject({
    domain: z.strictObject({
      name: z.literal("Sin Tech TimeBank"),
      version: z.literal("1"),
      chainId: z.number().int(),
      verifyingContract: addressSchema,
    }),
    types: z.strictObject({
      ServiceConfirmation: z.array(z.strictObject({ name: z.string(), type: z.string() })),
    }),
    primaryType: z.literal("ServiceConfirmation"),
    message: z.strictObject({
      giver: z.string(),
      recipient: z.string(),
      duration: z.number().int(),
      category: z.number().int(),
      evidenceHash: z.string(),
      nonce: z.number().int().describe("The recipient's current nonce on chain"),
      deadline: z.number().int(),
    }),
  })
  .nullable()
  .describe("While open: the EIP-712 typed data the recipient's wallet signs (`eth_signTypedData_v4`)");

export const service = {
  schema: z.strictObject({
    serviceId: z.string(),
    coordinatorOrgId: z.string(),
    giver: refSchema.describe("The giver's member ref"),
    recipient: refSchema.describe("The recipient's member ref"),
    minutes: z.number().int(),
    category: z.string().describe("A code from the service catalogue"),
    evidenceHash: z.string().nullable(),
    state: z.enum(["open", "logged", "confirmed"]),
    confirmedBy: z.enum(["wallet", "pin", "sms", "coordinator", "pool"]).nullable(),
    chainServiceId: z.string().nullable().describe("The TimeBank's id of the service, once on chain"),
    deadline: z.number().int().describe("Last second the recipient may confirm, Unix seconds"),
    confirmation: typedDataSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  example: {
    serviceId: EXAMPLE_SERVICE_ID,
    coordinatorOrgId: EXAMPLE_ORG_ID,
    giver: EXAMPLE_GIVER,
    recipient: EXAMPLE_REF,
    minutes: 90,
    category: "care",
    evidenceHash: EXAMPLE_EVIDENCE,
    state: "open",
    confirmedBy: null,
    chainServiceId: null,
    deadline: 1796198400,
    confirmation: {
      domain: {
        name: "Sin Tech TimeBank",
        version: "1",
        chainId: 31337,
        verifyingContract: EXAMPLE_TIMEBANK,
      },
      types: {
        ServiceConfirmation: [
          { name: "giver", type: "address" },
          { name: "recipient", type: "address" },
          { name: "duration", type: "uint32" },
          { name: "category", type: "uint8" },
          { name: "evidenceHash", type: "bytes32" },
          { name: "nonce", type: "uint64" },
          { name: "deadline", type: "uint40" },
        ],
      },
      primaryType: "ServiceConfirmation",
      message: {
        giver: "0x1c3e5b7d9f6f1d0c3a5e7b9f2a4c6e8f0b1d3f5a",
        recipient: EXAMPLE_MEMBER_WALLET,
        duration: 90,
        category: 0,
        evidenceHash: EXAMPLE_EVIDENCE,
        nonce: 0,
        deadline: 1796198400,
      },
    },
    createdAt: EXAMPLE_TIME,
    updatedAt: EXAMPLE_TIME,
  },
};

export const openedService = {
  schema: service.schema.extend({ replayed: z.boolean() }),
  example: { ...service.example, replayed: false },
};

export const confirmedService = {
  ...service.example,
  state: "confirmed",
  confirmedBy: "pin",
  chainServiceId: "0x3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e",
  confirmation: null,
};

export const donation = {
  schema: z.strictObject({
    donor: member.schema,
    to: refSchema.nullable().describe("The member who received the credit; null: the community pool"),
    minutes: z.number().int(),
    poolMinutes: z.number().int().describe("Minutes the community pool holds after the donation"),
  }),
  example: {
    donor: { ...member.example, balance: 30 },
    to: null,
    minutes: 60,
    poolMinutes: 480,
  },
};

export const pool = {
  schema: z.strictObject({ minutes: z.number().int().describe("Minutes the community pool holds") }),
  example: { minutes: 480 },
};

export const serviceList = {
  schema: z.strictObject({ services: z.array(service.schema) }),
  example: { services: [service.example] },
};

export const memberList = {
  schema: z.strictObject({
    members: z.array(member.schema),
    next: refSchema.nullable().describe("Pass as `after` for the next page; null on the last page"),
  }),
  example: { members: [member.example], next: null },
};

export const smsCodeSent = {
  schema: z.strictObject({
    serviceId: z.string(),
    expiresAt: z.string().describe("ISO 8601 date and time"),
  }),
  example: { serviceId: EXAMPLE_SERVICE_ID, expiresAt: EXAMPLE_TIME },
};

export const serviceBatch = {
  schema: z.strictObject({ services: z.array(service.schema) }),
  example: { services: [{ ...confirmedService, confirmedBy: "pool" }] },
};

export const memberAccess = {
  schema: z.strictObject({
    memberRef: refSchema,
    pin: z.boolean().describe("Whether a PIN is set"),
    phone: z.boolean().describe("Whether a phone is on file"),
  }),
  example: { memberRef: EXAMPLE_REF, pin: true, phone: true },
};

export const memberHistory = {
  schema: z.strictObject({
    memberRef: refSchema,
    entries: z.array(
      z.strictObject({
        kind: z.enum(["earned", "paid", "donated", "received_donation"]),
        minutes: z.number().int(),
        serviceId: z.string().nullable().describe("The TimeBank's service id; null for a donation"),
        pool: z.boolean().describe("The pool paid (earned), or received the donation (donated)"),
        blockNumber: z.number().int(),
        txHash: z.string(),
        at: z.string().nullable().describe("When its block was made (ISO 8601)"),
      }),
    ),
    pending: z.array(
      z.strictObject({
        serviceId: z.string(),
        role: z.enum(["gave", "received"]),
        minutes: z.number().int(),
        category: z.string(),
        blockNumber: z.number().int(),
      }),
    ),
    asOfBlock: z
      .number()
      .int()
      .nullable()
      .describe(
        "The last block the indexer has read: every event up to it is here (null before its first pass)",
      ),
  }),
  example: {
    memberRef: EXAMPLE_REF,
    entries: [
      {
        kind: "earned",
        minutes: 90,
        serviceId: confirmedService.chainServiceId,
        pool: false,
        blockNumber: 4120,
        txHash: "0x9f3c1d2e4b5a697887a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4",
        at: "2026-12-01T09:30:12.000Z",
      },
    ],
    pending: [
      {
        serviceId: "0x4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2a",
        role: "received",
        minutes: 30,
        category: "transport",
        blockNumber: 4131,
      },
    ],
    asOfBlock: 4140,
  },
};
