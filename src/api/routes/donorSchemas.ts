import { z } from "zod";
import { GIFT_EVENT_TYPES } from "../../indexer";
import { EXAMPLE_ADDRESS } from "./responseSchemas";

/** What the indexer and donor routes answer; the e2e tests check every response against these. */

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const units = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe("Settlement-token amount in whole units");
const address = z
  .string()
  .regex(/^0x[0-9a-f]{40}$/)
  .describe("An account, lower-case");
const EXAMPLE_TX = "0x9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a";
const EXAMPLE_REDEMPTION = "0x3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b";
const VENDOR = EXAMPLE_ADDRESS.toLowerCase();
const TIME = "2026-12-01T09:30:00.000Z";

export const giftTimeline = {
  schema: z.strictObject({
    giftId: z.number().int(),
    programmeId: z.number().int(),
    programmeName: z.string().nullable(),
    given: z.strictObject({
      amount: units,
      txHash: hash32,
      blockNumber: z.number().int(),
      at: z.string().nullable(),
    }),
    held: z.strictObject({ amount: units.describe("Still in escrow for the programme") }),
    entitlementsIssued: z
      .strictObject({ amount: units, households: z.number().int() })
      .describe("The programme's entitlements issued so far, all its gifts together"),
    redeemed: z.strictObject({
      amount: units,
      vendors: z.array(
        z.strictObject({
          vendor: address,
          vendorOrgId: z.string().nullable(),
          vendorName: z.string().nullable(),
          amount: units,
          deliveries: z.number().int(),
        }),
      ),
    }),
    deliveryCount: z
      .number()
      .int()
      .describe("Redemptions this gift paid for; `deliveries` lists the newest 500"),
    deliveries: z.array(
      z.strictObject({
        redemptionId: hash32,
        vendor: address,
        vendorOrgId: z.string().nullable(),
        vendorName: z.string().nullable(),
        amount: units.describe("What this gift paid of it (FIFO lots), net of reversals"),
        status: z.enum(["confirmed", "flagged", "upheld", "dismissed"]),
        txHash: hash32.describe(
          "The redemption's transaction: the proof, with the beneficiary's signed receipt",
        ),
        blockNumber: z.number().int(),
        at: z.string().nullable(),
      }),
    ),
    anchoredConfirmations: z
      .strictObject({
        count: z.number().int(),
        latest: z.array(
          z.strictObject({
            confirmationHash: hash32.describe("Salted: it names no household"),
            kind: z.enum(["in_kind_distribution", "service_visit"]),
            deliveredAt: z.string(),
            root: hash32,
            leafIndex: z.number().int(),
            proof: z
              .array(hash32)
              .describe("Check with ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)"),
            anchorTxHash: hash32.nullable(),
          }),
        ),
      })
      .describe("The programme's off-chain confirmations anchored on chain, the newest 50 with proofs"),
    refunded: z.strictObject({ amount: units, txHashes: z.array(hash32) }),
    reallocated: z.strictObject({ amount: units, toGiftIds: z.array(z.number().int()) }),
    households: z.strictObject({
      reached: z.number().int(),
      regions: z
        .array(z.strictObject({ region: z.string(), households: z.number().int() }))
        .describe('Coarse areas (first two postal-code digits); under five households they are "other"'),
    }),
    indexedThroughBlock: z.number().int().nullable(),
  }),
  example: {
    giftId: 12,
    programmeId: 4,
    programmeName: "Winter food basket",
    given: { amount: "150000", txHash: EXAMPLE_TX, blockNumber: 812, at: TIME },
    held: { amount: "149000" },
    entitlementsIssued: { amount: "9000000", households: 9 },
    redeemed: {
      amount: "1000",
      vendors: [
        {
          vendor: VENDOR,
          vendorOrgId: "org_5c2e9a1f",
          vendorName: "Corner Grocer",
          amount: "1000",
          deliveries: 1,
        },
      ],
    },
    deliveryCount: 1,
    deliveries: [
      {
        redemptionId: EXAMPLE_REDEMPTION,
        vendor: VENDOR,
        vendorOrgId: "org_5c2e9a1f",
        vendorName: "Corner Grocer",
        amount: "1000",
        status: "confirmed",
        txHash: EXAMPLE_TX,
        blockNumber: 840,
        at: TIME,
      },
    ],
    anchoredConfirmations: {
      count: 1,
      latest: [
        {
          confirmationHash: EXAMPLE_REDEMPTION,
          kind: "in_kind_distribution",
          deliveredAt: TIME,
          root: EXAMPLE_TX,
          leafIndex: 0,
          proof: [],
          anchorTxHash: EXAMPLE_TX,
        },
      ],
    },
    refunded: { amount: "0", txHashes: [] },
    reallocated: { amount: "0", toGiftIds: [] },
    households: { reached: 1, regions: [{ region: "other", households: 1 }] },
    indexedThroughBlock: 845,
  },
};

export const receiptCode = {
  schema: z.strictObject({
    giftId: z.number().int(),
    code: z
      .string()
      .regex(/^gr_[A-Za-z0-9_-]{22}$/)
      .describe("Printed on the donor's receipt; not personal data"),
    secret: z
      .string()
      .describe("Shown once; the donor sends it in X-Receipt-Secret. Kept only as a keyed hash"),
  }),
  example: { giftId: 12, code: "gr_q3ZK8vD1xT0bN6mW4yR2sA", secret: "Jt8nV2qL5xR0cW7mB3kZ9yF1hD6sP4aG" },
};

export const webhook = {
  schema: z.strictObject({
    webhookId: z.string().regex(/^wh_[0-9a-f-]{36}$/),
    url: z.string(),
    giftId: z.number().int().nullable(),
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9_-]{43}$/)
      .describe("Shown once: check Sintech-Signature with it"),
    createdAt: z.string(),
  }),
  example: {
    webhookId: "wh_6b1f0c2e-3a47-4d0b-9c6e-8f1a2b3c4d5e",
    url: "https://donor.example.org/hooks/sintech",
    giftId: 12,
    secret: "whsec_Qm9yX2V4YW1wbGVfb25seV9ub3RfYV9yZWFsX2tleTA",
    createdAt: TIME,
  },
};

export const giftEventExample = {
  eventId: "evt_4f1c0d3a5e7b9f2d4c6a8e0b1d3f5a7c",
  type: "gift.delivered",
  giftId: 12,
  programmeId: 4,
  amount: "1000",
  txHash: EXAMPLE_TX,
  blockNumber: 840,
  redemptionId: EXAMPLE_REDEMPTION,
  vendor: VENDOR,
  reallocatedToGiftId: null,
};
export const giftEventSchema = z.strictObject({
  eventId: z
    .string()
    .regex(/^evt_[0-9a-f]{32}$/)
    .describe("Stable across retries and re-reads: deduplicate on it"),
  type: z.enum(GIFT_EVENT_TYPES),
  giftId: z.number().int(),
  programmeId: z.number().int(),
  amount: units,
  txHash: hash32,
  blockNumber: z.number().int(),
  redemptionId: hash32.nullable(),
  vendor: address.nullable(),
  reallocatedToGiftId: z.number().int().nullable(),
});

export const indexerStatus = {
  schema: z.strictObject({
    checkpoint: z.strictObject({ blockNumber: z.number().int(), blockHash: hash32 }).nullable(),
    head: z.number().int(),
    confirmations: z.number().int(),
    lag: z.number().int(),
    events: z.number().int(),
    reorgs: z.array(
      z.strictObject({
        detectedAt: z.string(),
        checkpointBlock: z.number().int(),
        forkBlock: z.number().int(),
        depth: z.number().int(),
      }),
    ),
    webhooks: z.strictObject({ pending: z.number().int(), failed: z.number().int() }),
  }),
  example: {
    checkpoint: { blockNumber: 845, blockHash: EXAMPLE_TX },
    head: 845,
    confirmations: 0,
    lag: 0,
    events: 5120,
    reorgs: [{ detectedAt: TIME, checkpointBlock: 840, forkBlock: 836, depth: 4 }],
    webhooks: { pending: 0, failed: 0 },
  },
};
