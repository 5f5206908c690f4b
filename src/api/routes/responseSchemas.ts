import { z } from "zod";
import { ROW_STATUSES } from "../../disbursement/types";
import { programmeRuleSchema } from "../../households";
import { CHAIN_LICENCE_STATUSES, LAYERS, ORGANISATION_ROLES } from "../../organisations";
import { jsonSchemaOf } from "../openapi/jsonSchema";

/**
 * What the routes answer, as strict zod schemas: the OpenAPI document is generated from them and the
 * end-to-end tests check every real response against that document, so a field that is not described
 * here (personal data included) fails the tests instead of reaching a client unnoticed.
 */

export const refSchema = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/)
  .describe("A keyed reference: `0x` and 64 lower-case hex digits; never personal data");
export const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const timeSchema = z.string().describe("ISO 8601 date and time");
/** Settlement-token amounts in whole units as decimal strings, e.g. "2500000" or "12.5". */
const unitsSchema = z.string().regex(/^-?\d+(\.\d+)?$/);
const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/);

export const EXAMPLE_REF = "0x6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f";
export const EXAMPLE_REF_2 = "0x2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f";
export const EXAMPLE_ADDRESS = "0x8ba1f109551bD432803012645Ac136ddd64DBA72";
const EXAMPLE_TIME = "2026-12-01T09:30:00.000Z";

// ---- organisations

export const organisationSchema = z.strictObject({
  orgId: z.string(),
  name: z.string(),
  role: z.enum(ORGANISATION_ROLES),
  address: addressSchema.describe("The organisation's signing account"),
  layers: z.array(z.enum(LAYERS)),
  categories: z.array(z.number().int()),
  validUntil: z.number().int().nullable().describe("Licence expiry, Unix seconds; null for donors"),
  licenceStatus: z.enum(["none", "pending", "active", "failed"]),
  createdAt: timeSchema,
});
const organisationExample = {
  orgId: "org_3f9a2c1e",
  name: "North Relief Society",
  role: "charity",
  address: EXAMPLE_ADDRESS,
  layers: ["relief", "support", "insurance"],
  categories: [0, 1, 2, 3, 4, 5, 6, 7],
  validUntil: 1796112000,
  licenceStatus: "active",
  createdAt: EXAMPLE_TIME,
};
export const registeredOrganisation = {
  schema: z.strictObject({
    organisation: organisationSchema,
    apiKey: z
      .string()
      .regex(/^stk_[A-Za-z0-9_-]{43}$/)
      .nullable()
      .describe("Shown once; only its hash is kept. Null on a repeat answered after the first request ended"),
  }),
  example: { organisation: organisationExample, apiKey: "stk_4fQ9x2LmZ7c1VbN8sT3kR6yH0wE5aJ2dG9pU1iO7qWe" },
  replayExample: { organisation: organisationExample, apiKey: null },
};
export const organisationList = {
  schema: z.strictObject({ organisations: z.array(organisationSchema) }),
  example: { organisations: [organisationExample] },
};
export const licenceState = {
  schema: z.strictObject({
    orgId: z.string(),
    name: z.string(),
    role: z.enum(ORGANISATION_ROLES),
    address: addressSchema,
    granted: z.enum(["none", "pending", "active", "failed"]).describe("Where the gateway's grant stands"),
    status: z.enum(CHAIN_LICENCE_STATUSES).describe("The licence as the chain holds it now"),
    validUntil: timeSchema.nullable(),
    revocationFinalAt: timeSchema
      .nullable()
      .describe("While a revocation is pending: the first moment it may be finalised"),
  }),
  example: {
    orgId: "org_3f9a2c1e",
    name: "North Relief Society",
    role: "charity",
    address: EXAMPLE_ADDRESS.toLowerCase(),
    granted: "active",
    status: "suspended",
    validUntil: "2027-12-01T09:30:00.000Z",
    revocationFinalAt: null,
  },
};

// ---- programmes and gifts

export const programmeSchema = z.strictObject({
  programmeId: z.number().int(),
  orgId: z.string(),
  name: z.string(),
  layer: z.enum(LAYERS),
  category: z.number().int(),
  groupId: z.number().int().describe("Exclusivity group; 0 for none"),
  periodSeconds: z.number().int(),
  capPerPeriod: unitsSchema,
  minGift: unitsSchema,
  startsAt: timeSchema,
  endsAt: timeSchema,
  rule: programmeRuleSchema.nullable().describe("The eligibility rule, kept by the gateway; null for none"),
  earmarks: z
    .array(z.string())
    .describe("The purposes a gift may be earmarked for (lower-case words joined by hyphens)"),
  paused: z.boolean(),
  funds: z
    .strictObject({
      given: unitsSchema,
      paid: unitsSchema,
      refunded: unitsSchema,
      outstanding: unitsSchema,
      available: unitsSchema,
      collected: unitsSchema,
    })
    .describe("Live from the chain, in whole settlement-token units; `paid - collected` is owed to vendors"),
  currentPeriod: z.number().int(),
  gifts: z.number().int(),
});
const programmeExample = {
  programmeId: 4,
  orgId: "org_3f9a2c1e",
  name: "Winter food basket",
  layer: "relief",
  category: 1,
  groupId: 0,
  periodSeconds: 2592000,
  capPerPeriod: "2500000",
  minGift: "100000",
  startsAt: "2026-12-01T00:00:00.000Z",
  endsAt: "2027-12-01T00:00:00.000Z",
  rule: null,
  earmarks: ["winter-fuel", "school-meals"],
  paused: false,
  funds: {
    given: "400000000",
    paid: "12500000",
    refunded: "0",
    outstanding: "7500000",
    available: "380000000",
    collected: "10000000",
  },
  currentPeriod: 0,
  gifts: 2,
};
export const programme = { schema: programmeSchema, example: programmeExample };
export const programmeList = {
  schema: z.strictObject({ programmes: z.array(programmeSchema) }),
  example: { programmes: [programmeExample] },
};
export const programmeRequest = {
  schema: z.strictObject({
    requestId: z.string(),
    status: z
      .enum(["created", "pending"])
      .describe("A refusal is never a result: it answers the error shape"),
    programmeId: z.number().int().nullable().describe("Set once the chain created it"),
  }),
  created: { requestId: "req_8c2e4a6b", status: "created", programmeId: 4 },
  pending: { requestId: "req_8c2e4a6b", status: "pending", programmeId: null },
};
export const giftResult = {
  schema: z.strictObject({
    status: z
      .enum(["received", "pending"])
      .describe("A refusal is never a result: it answers the error shape"),
    giftId: z.number().int().nullable(),
  }),
  received: { status: "received", giftId: 12 },
  pending: { status: "pending", giftId: null },
};

// ---- households

const importRowSchema = z.strictObject({
  rowNo: z.number().int(),
  status: z.enum(["enrolled", "already_enrolled", "invalid", "duplicate", "held"]),
  errorField: z.string().nullable(),
  errorCode: z.string().nullable(),
  beneficiaryRef: refSchema.nullable(),
  householdRef: refSchema.nullable(),
});
const reviewSchema = z.strictObject({
  rowNo: z.number().int(),
  reason: z.enum(["enrolled_elsewhere", "repeated_in_household", "household_already_enrolled"]),
  beneficiaryRef: refSchema,
  existingHouseholdRef: refSchema.nullable(),
  proposedHouseholdRef: refSchema,
  status: z.enum(["open", "resolved"]),
  createdAt: timeSchema,
});
const importReportShape = {
  importId: z.string(),
  idempotencyKey: idempotencyKeySchema,
  status: z.enum(["running", "completed", "failed"]),
  fileSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .describe(
      "The file's keyed fingerprint (HMAC-SHA256 with the gateway's pepper), never a plain hash: the file holds national IDs",
    ),
  errorCode: z.string().nullable(),
  counts: z.strictObject({
    rows: z.number().int(),
    enrolled: z.number().int(),
    alreadyEnrolled: z.number().int(),
    invalid: z.number().int(),
    duplicate: z.number().int(),
    held: z.number().int(),
    householdsEnrolled: z.number().int(),
  }),
  rows: z.array(importRowSchema).describe("One per data row, in file order"),
  reviews: z.array(reviewSchema).describe("The duplicates a person must look at"),
};
const importReportExample = {
  importId: "imp_0b7e6f52-9c1d-4e3a-8f2b-5d6c7e8f9a0b",
  idempotencyKey: "import-2026-12-01-north",
  status: "completed",
  fileSha256: "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f0a",
  errorCode: null,
  counts: {
    rows: 3,
    enrolled: 2,
    alreadyEnrolled: 0,
    invalid: 1,
    duplicate: 0,
    held: 0,
    householdsEnrolled: 1,
  },
  rows: [
    {
      rowNo: 1,
      status: "enrolled",
      errorField: null,
      errorCode: null,
      beneficiaryRef: EXAMPLE_REF,
      householdRef: EXAMPLE_REF_2,
    },
    {
      rowNo: 2,
      status: "enrolled",
      errorField: null,
      errorCode: null,
      beneficiaryRef: EXAMPLE_REF_2,
      householdRef: EXAMPLE_REF_2,
    },
    {
      rowNo: 3,
      status: "invalid",
      errorField: "national_id",
      errorCode: "checksum",
      beneficiaryRef: null,
      householdRef: null,
    },
  ],
  reviews: [],
};
export const importReport = { schema: z.strictObject(importReportShape), example: importReportExample };
export const resolvedReview = {
  schema: reviewSchema.extend({
    importId: z.string(),
    resolution: z
      .enum(["merge", "reject"])
      .nullable()
      .describe("What the charity decided: merged into the existing household, or the row rejected"),
    resolvedBy: z.string().nullable().describe("The organisation that decided"),
    resolvedAt: timeSchema.nullable(),
  }),
  example: {
    importId: "imp_3f9a2c1e-0b7d-4e2a-9c1f-5a7b9d1e3f5a",
    rowNo: 2,
    reason: "enrolled_elsewhere",
    beneficiaryRef: EXAMPLE_REF,
    existingHouseholdRef: EXAMPLE_REF_2,
    proposedHouseholdRef: "0x7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f",
    status: "resolved",
    createdAt: "2026-12-01T09:30:00.000Z",
    resolution: "merge",
    resolvedBy: "org_3f9a2c1e0b7d",
    resolvedAt: "2026-12-02T10:00:00.000Z",
  },
};
export const importResult = {
  schema: z.strictObject({
    ...importReportShape,
    replayed: z.boolean().describe("True when this key and file were imported before: nothing was written"),
  }),
  example: { ...importReportExample, replayed: false },
  replayed: { ...importReportExample, replayed: true },
};
export const enrolled = {
  schema: z.strictObject({
    householdRef: refSchema,
    members: z.array(z.strictObject({ beneficiaryRef: refSchema })).describe("In the order given"),
  }),
  example: { householdRef: EXAMPLE_REF_2, members: [{ beneficiaryRef: EXAMPLE_REF }] },
};
export const registrationCounts = {
  schema: z.strictObject({
    queued: z.number().int().describe("People whose registration is still being written"),
    registered: z.number().int(),
    failed: z.number().int(),
  }),
  example: { queued: 0, registered: 200, failed: 0 },
};
export const householdSummary = {
  schema: z.strictObject({
    householdRef: refSchema,
    status: z.enum(["active", "shredded"]),
    enrolledAt: timeSchema,
    members: z.array(
      z.strictObject({
        beneficiaryRef: refSchema,
        role: z.enum(["head", "member"]),
        chainStatus: z.enum(["not_registered", "queued", "registered", "failed"]),
        wallet: addressSchema.nullable(),
        custody: z.enum(["self", "custodial"]).nullable(),
      }),
    ),
  }),
  example: {
    householdRef: EXAMPLE_REF_2,
    status: "active",
    enrolledAt: EXAMPLE_TIME,
    members: [
      {
        beneficiaryRef: EXAMPLE_REF,
        role: "head",
        chainStatus: "registered",
        wallet: EXAMPLE_ADDRESS,
        custody: "custodial",
      },
    ],
  },
};
export const eligibility = {
  schema: z.strictObject({
    householdRef: refSchema,
    programmeId: z.number().int(),
    eligible: z.boolean(),
    score: z
      .number()
      .nullable()
      .describe("Means-test score, 0 (no means) to 100; null when income was not declared"),
    reasons: z.array(z.string()).describe("Plain words a case worker can read to the household"),
  }),
  example: {
    householdRef: EXAMPLE_REF_2,
    programmeId: 4,
    eligible: true,
    score: 22,
    reasons: ['Matches target group "large families"', "Means-test score 22 is at most 40"],
  },
};

// ---- long jobs

const jobStateSchema = z
  .enum(["running", "done"])
  .describe("`running` until every row is decided and every chain write of the job has ended");
const jobProgressSchema = z.strictObject({
  rows: z.number().int().describe("Rows (households) in the job"),
  done: z.number().int().describe("Rows written on chain (issued, registered)"),
  refused: z.number().int().describe("Rows refused, by the gateway before sending or by the chain"),
  pending: z.number().int().describe("Rows still waiting for a chain write"),
  chainWritesPending: z.number().int().describe("Transactions of the job queued or sent and not yet final"),
});
export const registrationRun = {
  schema: z.strictObject({
    registrationId: z
      .string()
      .regex(/^reg_[0-9a-f-]{36}$/)
      .nullable()
      .describe("Null when nothing was waiting to be registered"),
    state: jobStateSchema,
    progress: jobProgressSchema,
  }),
  running: {
    registrationId: "reg_0b6c2f1e-8d4a-4c3b-9e5f-7a1d2c3b4e5f",
    state: "running",
    progress: { rows: 200, done: 0, refused: 0, pending: 200, chainWritesPending: 1 },
  },
  nothing: {
    registrationId: null,
    state: "done",
    progress: { rows: 0, done: 0, refused: 0, pending: 0, chainWritesPending: 0 },
  },
};

// ---- disbursements

const disbursementShape = {
  disbursementId: z.string().regex(/^dsb_[0-9a-f-]{36}$/),
  programmeId: z.number().int(),
  period: z.number().int(),
  source: z.enum(["csv", "eligible"]),
  counts: z.strictObject(Object.fromEntries(ROW_STATUSES.map((status) => [status, z.number().int()]))),
  rows: z.array(
    z.strictObject({
      rowNo: z.number().int(),
      householdRef: refSchema.nullable(),
      amount: unitsSchema.nullable(),
      status: z.enum(ROW_STATUSES),
      field: z.string().nullable(),
      code: z.string().nullable(),
      message: z
        .string()
        .nullable()
        .describe("Why the row was not issued, in plain words; null when issued or queued"),
      txHash: z
        .string()
        .regex(/^0x[0-9a-f]{64}$/)
        .nullable()
        .describe("The `issueBatch` transaction that issued the row; null until it is issued"),
    }),
  ),
  state: jobStateSchema,
  progress: jobProgressSchema,
  createdAt: timeSchema,
};
const disbursementExample = {
  disbursementId: "dsb_1c9e7a52-3b4d-4f6e-8a0b-2c4d6e8f0a1b",
  programmeId: 4,
  period: 0,
  source: "csv",
  counts: Object.fromEntries(
    ROW_STATUSES.map((status) => [status, status === "issued" ? 1 : status === "not_enrolled" ? 1 : 0]),
  ),
  rows: [
    {
      rowNo: 1,
      householdRef: EXAMPLE_REF_2,
      amount: "2500000",
      status: "issued",
      field: null,
      code: null,
      message: null,
      txHash: "0x9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f",
    },
    {
      rowNo: 2,
      householdRef: null,
      amount: "2500000",
      status: "not_enrolled",
      field: "national_id",
      code: "not_enrolled",
      message: "No enrolled household has this person.",
      txHash: null,
    },
  ],
  state: "done",
  progress: { rows: 2, done: 1, refused: 1, pending: 0, chainWritesPending: 0 },
  createdAt: EXAMPLE_TIME,
};
export const disbursement = { schema: z.strictObject(disbursementShape), example: disbursementExample };
export const disbursementList = {
  schema: z.strictObject({
    disbursements: z.array(
      z.strictObject({
        disbursementId: disbursementShape.disbursementId,
        programmeId: z.number().int(),
        orgId: z.string(),
        period: z.number().int(),
        source: z.enum(["csv", "eligible"]),
        createdAt: timeSchema,
        state: jobStateSchema,
        counts: disbursementShape.counts,
      }),
    ),
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
  }),
  example: {
    disbursements: [
      {
        disbursementId: disbursementExample.disbursementId,
        programmeId: 4,
        orgId: "org_3f9a2c1e",
        period: 0,
        source: "csv",
        createdAt: EXAMPLE_TIME,
        state: "done",
        counts: disbursementExample.counts,
      },
    ],
    total: 1,
    offset: 0,
    limit: 20,
  },
};
export const disbursementResult = {
  schema: z.strictObject({
    ...disbursementShape,
    replayed: z
      .literal(true)
      .optional()
      .describe("Present, and true, when this idempotency key was used before: nothing new was sent"),
  }),
  example: disbursementExample,
  replayed: { ...disbursementExample, replayed: true },
};

// ---- wallets

export const challenge = {
  schema: z.strictObject({
    challengeId: z.string(),
    message: z.string().describe("What the wallet signs with `personal_sign` (EIP-191)"),
    expiresAt: timeSchema,
  }),
  example: {
    challengeId: "chl_5e1a9c3b",
    message: "Sin Tech wallet proof\nchallenge: chl_5e1a9c3b\n...",
    expiresAt: EXAMPLE_TIME,
  },
};
export const proof = {
  schema: z.strictObject({
    beneficiaryRef: refSchema,
    address: addressSchema,
    outcome: z
      .enum(["bound", "already_bound", "rebind_required"])
      .describe("`rebind_required`: another wallet is bound; a registrar may now rebind to this one"),
  }),
  example: { beneficiaryRef: EXAMPLE_REF, address: EXAMPLE_ADDRESS, outcome: "bound" },
};
export const rebind = {
  schema: z.strictObject({
    beneficiaryRef: refSchema,
    previousWallet: addressSchema,
    newWallet: addressSchema.describe("EIP-55 checksummed, as it goes on chain"),
    custody: z.enum(["self", "custodial"]),
    reason: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/)
      .describe("The reason code as bytes32"),
    reasonCode: z.string(),
    calldata: z
      .string()
      .regex(/^0x[0-9a-f]*$/)
      .describe("ABI-encoded `rebindWallet(beneficiaryRef, newWallet, reason)`"),
    reboundAt: timeSchema,
    onChain: z
      .enum(["submitted", "not_registered_yet"])
      .describe("`not_registered_yet`: the chain learns the new wallet when the household is registered"),
  }),
  example: {
    beneficiaryRef: EXAMPLE_REF,
    previousWallet: EXAMPLE_ADDRESS,
    newWallet: "0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
    custody: "custodial",
    reason: "0x6c6f73745f70686f6e6500000000000000000000000000000000000000000000",
    reasonCode: "lost_phone",
    calldata: "0x2f2ff15d",
    reboundAt: EXAMPLE_TIME,
    onChain: "submitted",
  },
};
export const walletBinding = {
  schema: z.strictObject({
    beneficiaryRef: refSchema,
    address: addressSchema,
    custody: z.enum(["self", "custodial"]),
    boundAt: timeSchema,
    status: z.enum(["active", "suspended"]),
    history: z
      .array(
        z.strictObject({
          previousAddress: addressSchema.nullable(),
          newAddress: addressSchema,
          reason: z.string(),
          at: timeSchema,
        }),
      )
      .describe("Every binding and rebinding, oldest first"),
  }),
  example: {
    beneficiaryRef: EXAMPLE_REF,
    address: EXAMPLE_ADDRESS,
    custody: "custodial",
    boundAt: EXAMPLE_TIME,
    status: "active",
    history: [
      { previousAddress: null, newAddress: EXAMPLE_ADDRESS, reason: "custodial_enrolment", at: EXAMPLE_TIME },
    ],
  },
};

// ---- status

export const status = {
  schema: z.strictObject({
    profile: z.enum(["embedded", "consortium"]),
    chain: z.strictObject({ chainId: z.number().int(), blockNumber: z.number().int() }),
    contracts: z
      .record(z.string(), addressSchema)
      .describe("Deployed contracts by name, and the settlement token"),
    operator: addressSchema.describe("The gateway's own account"),
    outbox: z.strictObject({ pending: z.number().int().describe("Chain writes queued or in flight") }),
    households: z.strictObject({
      enrolled: z.number().int(),
      queued: z.number().int(),
      registered: z.number().int(),
      failed: z.number().int(),
    }),
    programmes: z.number().int(),
    organisations: z.number().int(),
  }),
  example: {
    profile: "embedded",
    chain: { chainId: 31337, blockNumber: 1284 },
    contracts: { ledger: EXAMPLE_ADDRESS, settlementToken: "0x71C7656EC7ab88b098defB751B7401B5f6d8976F" },
    operator: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    outbox: { pending: 0 },
    households: { enrolled: 200, queued: 0, registered: 200, failed: 0 },
    programmes: 3,
    organisations: 7,
  },
};

/** A response schema's JSON Schema, where a route combines it with the error shape. */
export const jsonSchemaOfOutput = (schema: z.ZodType) => jsonSchemaOf(schema, "output");

// ---- access log

export const accessLog = {
  schema: z.strictObject({
    entries: z.array(
      z.strictObject({
        entryId: z.number().int(),
        at: timeSchema,
        keyId: z.string(),
        orgId: z.string(),
        role: z.string().describe("The role of the reader's API key"),
        action: z.enum([
          "household.summary",
          "household.eligibility",
          "wallet.binding",
          "wallet.challenge",
          "wallet.proof",
          "import.report",
          "import.review_resolution",
          "evidence.content",
          "evidence.key",
          "delivery.lookup",
          "delivery.offline_pack",
          "delivery.read",
          "delivery.receipts",
          "delivery.dispute_answer",
          "mandate.read",
        ]),
        subject: z.string().describe("The household reference (or import id, or evidence id) read"),
        grounds: z
          .string()
          .describe(
            "Why the reader may read it, e.g. `enrolled`, `covered:<programmeId>` or `considered:<programmeId>`",
          ),
        purpose: z.string().nullable().describe("The reader's `X-Access-Purpose` header"),
        requestId: z.string().nullable(),
      }),
    ),
    next: z
      .number()
      .int()
      .nullable()
      .describe("Pass as `after` for the next page; null when this page is empty"),
  }),
  example: {
    entries: [
      {
        entryId: 121,
        at: EXAMPLE_TIME,
        keyId: "key_7c1e9a",
        orgId: "org_3f9a2c1e",
        role: "charity",
        action: "household.summary",
        subject: EXAMPLE_REF_2,
        grounds: "enrolled",
        purpose: "home visit follow-up",
        requestId: "req_5b2d",
      },
    ],
    next: 121,
  },
};
