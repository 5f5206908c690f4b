import { z } from "zod";
import { MANDATE_CHANNELS, MANDATE_CODE_PURPOSES, MANDATE_STATES } from "../../mandates";
import { addressSchema, EXAMPLE_REF, EXAMPLE_REF_2, refSchema } from "./responseSchemas";

/** What the mandates' routes answer, as strict zod schemas (the OpenAPI document is made from them). */

const timeSchema = z.string().describe("ISO 8601 date and time");
const unitsSchema = z.string().regex(/^\d+(\.\d+)?$/);
const uintSchema = z.string().regex(/^\d+$/).describe("A uint256 as a decimal string");
const hashSchema = z.string().regex(/^0x[0-9a-f]{64}$/);
const fieldsSchema = z.array(z.strictObject({ name: z.string(), type: z.string() }));
const domainSchema = z.strictObject({
  name: z.literal("Sin Tech PremiumMandates"),
  version: z.literal("1"),
  chainId: z.number().int(),
  verifyingContract: addressSchema,
});

export const EXAMPLE_MANDATE_ID = "mdt_4b1e7c2a-9d3f-4e6a-8b5c-1f2e3d4c5b6a";
const EXAMPLE_TIME = "2026-12-03T09:30:00.000Z";
const EXAMPLE_MANDATES = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const EXAMPLE_INSURER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const EXAMPLE_CHAIN_ID = "0x3c1f0a9e7d5b3c1a8e6f4d2b0a9c7e5f3d1b9a7c5e3f1d0b8a6c4e2f0d9b7a5c";
export const EXAMPLE_INSURER_ORG = "org_7d2c9e1a4b6f";

const premiumSchema = z.strictObject({
  deliveryId: z
    .string()
    .regex(/^dlv_[0-9a-f-]{36}$/)
    .describe("The premium's delivery (`GET /v1/deliveries/{id}`)"),
  period: z.number().int(),
  amount: unitsSchema.describe("Whole units"),
  state: z.enum(["accepted", "redeemed", "refused"]).describe("`accepted`: queued in the outbox"),
  redemptionId: hashSchema.describe("The receipt's EIP-712 digest, the ledger's redemption id"),
  redemption: z.strictObject({ txHash: hashSchema, blockNumber: z.number().int() }).nullable(),
  refusal: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  notice: z
    .enum(["waiting", "pending", "sent", "no_phone"])
    .describe("The household's SMS that it is insured this period: `sent` once the adapter took it"),
});

export const mandate = {
  schema: z.strictObject({
    mandateId: z
      .string()
      .regex(/^mdt_[0-9a-f-]{36}$/)
      .describe("The gateway's id"),
    state: z.enum(MANDATE_STATES),
    programmeId: z.number().int(),
    householdRef: refSchema,
    beneficiaryRef: refSchema.describe("The member whose wallet signs, then the member who accepted"),
    insurerOrgId: z.string(),
    insurer: addressSchema.describe("The insurer's account, the premium receipts' vendor"),
    proposerOrgId: z.string(),
    premiumPerPeriod: unitsSchema.describe("Whole units a period"),
    firstPeriod: z.number().int(),
    lastPeriod: z.number().int(),
    receiptIndex: z.number().int().describe("The receipt nonce index every premium takes (31)"),
    deadline: timeSchema.describe("The acceptance deadline"),
    chainMandateId: hashSchema.nullable().describe("PremiumMandates' id (the EIP-712 digest), once accepted"),
    acceptance: z.strictObject({ channel: z.enum(MANDATE_CHANNELS), by: refSchema }).nullable(),
    revocation: z
      .strictObject({
        channel: z
          .enum([...MANDATE_CHANNELS, "chain"])
          .describe(
            "wallet, pin or sms through the gateway; chain when a member's own wallet revoked on chain",
          ),
        by: refSchema,
        txHash: z
          .string()
          .nullable()
          .describe("The revocation's transaction, once the indexer has read it on chain"),
      })
      .nullable(),
    typedData: z
      .strictObject({
        domain: domainSchema,
        types: z.strictObject({ StandingMandate: fieldsSchema }),
        primaryType: z.literal("StandingMandate"),
        message: z.strictObject({
          programmeId: uintSchema,
          householdRef: refSchema,
          beneficiaryRef: refSchema,
          insurer: addressSchema,
          premiumPerPeriod: uintSchema,
          firstPeriod: z.number().int(),
          lastPeriod: z.number().int(),
          receiptIndex: z.number().int(),
          nonce: uintSchema,
          deadline: uintSchema,
        }),
      })
      .nullable()
      .describe("While proposed: what the member's wallet signs (`eth_signTypedData_v4`) to accept"),
    revocationTypedData: z
      .strictObject({
        domain: domainSchema,
        types: z.strictObject({ MandateRevocation: fieldsSchema }),
        primaryType: z.literal("MandateRevocation"),
        message: z.strictObject({ mandateId: hashSchema, memberRef: refSchema, deadline: uintSchema }),
      })
      .nullable()
      .describe(
        "While accepted: what a member's wallet signs to revoke; send its `deadline` with the signature",
      ),
    premiums: z.array(premiumSchema),
    createdAt: timeSchema,
    updatedAt: timeSchema,
  }),
  example: {
    mandateId: EXAMPLE_MANDATE_ID,
    state: "proposed",
    programmeId: 7,
    householdRef: EXAMPLE_REF,
    beneficiaryRef: EXAMPLE_REF_2,
    insurerOrgId: EXAMPLE_INSURER_ORG,
    insurer: EXAMPLE_INSURER,
    proposerOrgId: EXAMPLE_INSURER_ORG,
    premiumPerPeriod: "50000",
    firstPeriod: 20425,
    lastPeriod: 20436,
    receiptIndex: 31,
    deadline: "2026-12-06T09:30:00.000Z",
    chainMandateId: null,
    acceptance: null,
    revocation: null,
    typedData: {
      domain: {
        name: "Sin Tech PremiumMandates",
        version: "1",
        chainId: 31337,
        verifyingContract: EXAMPLE_MANDATES,
      },
      types: {
        StandingMandate: [
          { name: "programmeId", type: "uint256" },
          { name: "householdRef", type: "bytes32" },
          { name: "beneficiaryRef", type: "bytes32" },
          { name: "insurer", type: "address" },
          { name: "premiumPerPeriod", type: "uint256" },
          { name: "firstPeriod", type: "uint32" },
          { name: "lastPeriod", type: "uint32" },
          { name: "receiptIndex", type: "uint8" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "StandingMandate",
      message: {
        programmeId: "7",
        householdRef: EXAMPLE_REF,
        beneficiaryRef: EXAMPLE_REF_2,
        insurer: EXAMPLE_INSURER,
        premiumPerPeriod: "50000000000000000000000",
        firstPeriod: 20425,
        lastPeriod: 20436,
        receiptIndex: 31,
        nonce: "1487162930112733",
        deadline: "1796550600",
      },
    },
    revocationTypedData: null,
    premiums: [],
    createdAt: EXAMPLE_TIME,
    updatedAt: EXAMPLE_TIME,
  },
};

const accepted = {
  ...mandate.example,
  state: "accepted",
  chainMandateId: EXAMPLE_CHAIN_ID,
  acceptance: { channel: "pin", by: EXAMPLE_REF_2 },
  typedData: null,
  revocationTypedData: {
    domain: mandate.example.typedData.domain,
    types: {
      MandateRevocation: [
        { name: "mandateId", type: "bytes32" },
        { name: "memberRef", type: "bytes32" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "MandateRevocation",
    message: { mandateId: EXAMPLE_CHAIN_ID, memberRef: EXAMPLE_REF_2, deadline: "1796377800" },
  },
};
export const acceptedMandate = accepted;
export const revokedMandate = {
  ...accepted,
  state: "revoked",
  revocation: {
    channel: "wallet",
    by: EXAMPLE_REF_2,
    txHash: "0x8f1c2a7e5b9d4c3f6a0e1b2d3c4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
  },
  revocationTypedData: null,
};
export const premiumExample = {
  deliveryId: "dlv_0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f",
  period: 20425,
  amount: "50000",
  state: "redeemed",
  redemptionId: "0x9a7c5e3f1d0b8a6c4e2f0d9b7a5c3c1f0a9e7d5b3c1a8e6f4d2b0a9c7e5f3d1b",
  redemption: {
    txHash: "0x1d0b8a6c4e2f0d9b7a5c3c1f0a9e7d5b3c1a8e6f4d2b0a9c7e5f3d1b9a7c5e3f",
    blockNumber: 812,
  },
  refusal: null,
  notice: "sent",
};

export const proposed = {
  schema: mandate.schema.extend({
    replayed: z.boolean().describe("The same request again: nothing new written"),
  }),
  example: { ...mandate.example, replayed: false },
};

export const list = {
  schema: z.strictObject({ mandates: z.array(mandate.schema) }),
  example: { mandates: [accepted] },
};

export const premium = {
  schema: z.strictObject({
    mandate: mandate.schema,
    deliveryId: z.string().regex(/^dlv_[0-9a-f-]{36}$/),
    replayed: z.boolean(),
  }),
  example: {
    mandate: { ...accepted, premiums: [premiumExample] },
    deliveryId: premiumExample.deliveryId,
    replayed: false,
  },
};

export const premiumBatch = {
  schema: z.strictObject({ premiums: z.array(premium.schema) }),
  example: { premiums: [premium.example] },
};

export const smsCodeSent = {
  schema: z.strictObject({
    mandateId: z.string(),
    purpose: z.enum(MANDATE_CODE_PURPOSES),
    expiresAt: timeSchema,
  }),
  example: { mandateId: EXAMPLE_MANDATE_ID, purpose: "accept", expiresAt: "2026-12-03T09:35:00.000Z" },
};
