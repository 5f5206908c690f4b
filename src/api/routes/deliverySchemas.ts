import { z } from "zod";
import {
  ACCEPTANCE_CHANNELS,
  DELIVERY_ITEMS,
  DISPUTE_ANSWERS,
  DISPUTE_REASONS,
  DELIVERY_STATES,
  FLAG_STATES,
  MANDATE_CHANNEL,
  PREMIUM_ITEM,
} from "../../delivery";
import { DELIVERY_RECEIPT_TYPES } from "../../wallets";
import { addressSchema, EXAMPLE_ADDRESS, EXAMPLE_REF, EXAMPLE_REF_2, refSchema } from "./responseSchemas";

/**
 * What the delivery routes answer, as strict zod schemas (see responseSchemas.ts): the document is built
 * from them and every end-to-end response is checked against it.
 */
const timeSchema = z.string().describe("ISO 8601 date and time");
const unitsSchema = z.string().regex(/^-?\d+(\.\d+)?$/);
const uintSchema = z.string().regex(/^\d+$/).describe("A uint256 as a decimal string");
const hashSchema = z.string().regex(/^0x[0-9a-f]{64}$/);
const EXAMPLE_TIME = "2026-12-01T09:30:00.000Z";
const EXAMPLE_DIGEST = "0x9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a";
const EXAMPLE_LEDGER = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const EXAMPLE_VENDOR = EXAMPLE_ADDRESS.toLowerCase();
const ZERO = `0x${"0".repeat(64)}`;
export const EXAMPLE_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const cidSchema = z.string().describe("An IPFS CID (CIDv1 base32, or CIDv0)");

const disputeSchema = z
  .strictObject({
    reason: z
      .enum(DISPUTE_REASONS)
      .nullable()
      .describe(
        "The household's reason; null for a flag raised on chain directly, or before reasons were kept",
      ),
    answer: z
      .strictObject({
        answer: z.enum(DISPUTE_ANSWERS),
        evidenceCid: cidSchema.nullable(),
        answeredBy: z.string().describe("The programme's charity (org id)"),
        answeredAt: timeSchema,
      })
      .nullable()
      .describe("The programme's charity's answer (`POST .../dispute-answer`)"),
    resolution: z
      .strictObject({
        upheld: z.boolean(),
        held: unitsSchema.describe(
          "Whole units the flag held out of the vendor's credit (its SettlementHeld)",
        ),
        returnedTo: z
          .enum(["programme", "vendor"])
          .describe("Upheld: back to the programme's budget; dismissed: to the vendor's credit"),
        reportCid: cidSchema.nullable(),
        resolvedBy: z.string().describe("The auditor's org id, or `regulator`"),
        resolverRole: z.enum(["auditor", "regulator"]),
        requestedAt: timeSchema,
        txHash: hashSchema.nullable().describe("The `resolveFlag` transaction, once confirmed"),
        blockNumber: z.number().int().nullable(),
      })
      .nullable()
      .describe("The flag's resolution asked through the gateway (`POST .../flag-resolution`)"),
  })
  .nullable()
  .describe("A disputed delivery's path; null when nobody disputed it");

const typedDataSchema = z
  .strictObject({
    domain: z.strictObject({
      name: z.literal("SinTech AidLedger"),
      version: z.literal("1"),
      chainId: z.number().int(),
      verifyingContract: addressSchema,
    }),
    types: z.strictObject({
      DeliveryReceipt: z.array(z.strictObject({ name: z.string(), type: z.string() })),
    }),
    primaryType: z.literal("DeliveryReceipt"),
    message: z.strictObject({
      programmeId: uintSchema,
      beneficiaryRef: refSchema,
      householdRef: refSchema,
      vendor: addressSchema,
      amount: uintSchema.describe("Settlement-token base units"),
      evidenceHash: hashSchema,
      nonce: uintSchema.describe("`period << 8 | index`: this delivery's own receipt nonce"),
      deadline: uintSchema.describe("Unix seconds"),
    }),
  })
  .describe("Exactly what the beneficiary's wallet signs (`eth_signTypedData_v4`)");

export const deliverySchema = z.strictObject({
  deliveryId: z.string().regex(/^dlv_[0-9a-f-]{36}$/),
  state: z.enum(DELIVERY_STATES),
  programmeId: z.number().int(),
  vendorOrgId: z.string(),
  householdRef: refSchema,
  beneficiaryRef: refSchema.describe("The member whose wallet signs the receipt"),
  amount: unitsSchema.describe("Whole units of the settlement token"),
  item: z
    .enum([...DELIVERY_ITEMS, PREMIUM_ITEM])
    .describe(`A code of the list; \`${PREMIUM_ITEM}\` is a premium under a standing mandate`),
  quantity: z.number().int(),
  evidenceHash: hashSchema,
  redemptionId: hashSchema.describe("The receipt's EIP-712 digest, the ledger's redemption id"),
  nonce: uintSchema,
  deadline: timeSchema,
  createdAt: timeSchema,
  updatedAt: timeSchema,
  typedData: typedDataSchema,
  qrPayload: z
    .string()
    .describe("`sintech:receipt:1;` and the receipt's fields joined by `;`, for a wallet app"),
  acceptance: z.strictObject({ channel: z.enum(ACCEPTANCE_CHANNELS), by: refSchema }).nullable(),
  fieldAgentOrgId: z.string().nullable(),
  redemption: z.strictObject({ txHash: hashSchema, blockNumber: z.number().int() }).nullable(),
  refusal: z
    .strictObject({ code: z.string(), message: z.string(), args: z.array(z.string()) })
    .nullable()
    .describe("The ledger's refusal of the redemption (or of the flag): its custom error and what it means"),
  flag: z
    .enum(FLAG_STATES)
    .describe("The redemption's dispute on chain: read from the ledger, so a resolution shows at once"),
  dispute: disputeSchema,
});

const typedDataExample = {
  domain: { name: "SinTech AidLedger", version: "1", chainId: 31337, verifyingContract: EXAMPLE_LEDGER },
  types: DELIVERY_RECEIPT_TYPES,
  primaryType: "DeliveryReceipt",
  message: {
    programmeId: "4",
    beneficiaryRef: EXAMPLE_REF,
    householdRef: EXAMPLE_REF_2,
    vendor: EXAMPLE_VENDOR,
    amount: "250000000000000000000000",
    evidenceHash: ZERO,
    nonce: "0",
    deadline: "1796198400",
  },
};

export const deliveryExample = {
  deliveryId: "dlv_0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
  state: "open",
  programmeId: 4,
  vendorOrgId: "org_8d2e4f6a",
  householdRef: EXAMPLE_REF_2,
  beneficiaryRef: EXAMPLE_REF,
  amount: "250000",
  item: "food-basket",
  quantity: 1,
  evidenceHash: ZERO,
  redemptionId: EXAMPLE_DIGEST,
  nonce: "0",
  deadline: "2026-12-02T09:30:00.000Z",
  createdAt: EXAMPLE_TIME,
  updatedAt: EXAMPLE_TIME,
  typedData: typedDataExample,
  qrPayload: `sintech:receipt:1;31337;${EXAMPLE_LEDGER};dlv_0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9;4;${EXAMPLE_REF};${EXAMPLE_REF_2};${EXAMPLE_VENDOR};250000000000000000000000;${ZERO};0;1796198400`,
  acceptance: null,
  fieldAgentOrgId: null,
  redemption: null,
  refusal: null,
  flag: "none",
  dispute: null,
};

export const delivery = { schema: deliverySchema, example: deliveryExample };
export const openedDelivery = {
  schema: z.strictObject({ delivery: deliverySchema, replayed: z.boolean() }),
  example: { delivery: deliveryExample, replayed: false },
};
export const deliveryList = {
  schema: z.strictObject({ deliveries: z.array(deliverySchema) }),
  example: { deliveries: [deliveryExample] },
};
export const redeemedDeliveryExample = {
  ...deliveryExample,
  state: "redeemed",
  acceptance: { channel: "pin", by: EXAMPLE_REF },
  redemption: { txHash: EXAMPLE_DIGEST, blockNumber: 412 },
};
export const answeredDeliveryExample = {
  ...deliveryExample,
  state: "disputed",
  acceptance: { channel: "pin", by: EXAMPLE_REF },
  dispute: {
    reason: "not_received",
    answer: {
      answer: "redelivered",
      evidenceCid: EXAMPLE_CID,
      answeredBy: "org_3f9a2c1e0b7d",
      answeredAt: EXAMPLE_TIME,
    },
    resolution: null,
  },
};
export const resolvedDeliveryExample = {
  ...redeemedDeliveryExample,
  flag: "upheld",
  dispute: {
    reason: "not_received",
    answer: null,
    resolution: {
      upheld: true,
      held: "250000",
      returnedTo: "programme",
      reportCid: EXAMPLE_CID,
      resolvedBy: "org_5e6f7a8b",
      resolverRole: "auditor",
      requestedAt: EXAMPLE_TIME,
      txHash: EXAMPLE_DIGEST,
      blockNumber: 420,
    },
  },
};
export const smsCodeSent = {
  schema: z.strictObject({
    deliveryId: z.string(),
    expiresAt: timeSchema.describe("The code works once, until then, for this delivery only"),
  }),
  example: { deliveryId: deliveryExample.deliveryId, expiresAt: "2026-12-01T09:35:00.000Z" },
};
export const entitlementLookup = {
  schema: z.strictObject({
    programmeId: z.number().int(),
    hasEntitlement: z.boolean(),
    upTo: unitsSchema.describe("Whole units the household can still receive now; 0 when none (or unknown)"),
  }),
  example: { programmeId: 4, hasEntitlement: true, upTo: "2250000" },
};
export const householdReceiptList = {
  schema: z.strictObject({
    householdRef: refSchema,
    receipts: z.array(
      z.strictObject({
        deliveryId: z.string(),
        programmeId: z.number().int(),
        vendorOrgId: z.string(),
        vendorName: z.string().nullable(),
        item: z.enum([...DELIVERY_ITEMS, PREMIUM_ITEM]),
        quantity: z.number().int(),
        amount: unitsSchema,
        redemptionId: hashSchema,
        acceptedAt: timeSchema,
        channel: z
          .enum([...ACCEPTANCE_CHANNELS, MANDATE_CHANNEL])
          .describe(`How it was accepted; \`${MANDATE_CHANNEL}\`: by a standing premium mandate`),
        status: z.enum(["accepted", "redeemed", "refused", "disputed"]),
        txHash: hashSchema.nullable(),
        blockNumber: z.number().int().nullable(),
        redeemedAt: timeSchema.nullable(),
      }),
    ),
  }),
  example: {
    householdRef: EXAMPLE_REF_2,
    receipts: [
      {
        deliveryId: deliveryExample.deliveryId,
        programmeId: 4,
        vendorOrgId: "org_8d2e4f6a",
        vendorName: "Tehran Bread Cooperative",
        item: "bread",
        quantity: 3,
        amount: "250000",
        redemptionId: EXAMPLE_DIGEST,
        acceptedAt: EXAMPLE_TIME,
        channel: "sms",
        status: "redeemed",
        txHash: EXAMPLE_DIGEST,
        blockNumber: 412,
        redeemedAt: EXAMPLE_TIME,
      },
    ],
  },
};
