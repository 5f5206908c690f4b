import { z } from "zod";
import { DELIVERY_STATES } from "../../delivery";

/** What the offline upload routes answer, as strict zod schemas (see responseSchemas.ts). */
const hashSchema = z.string().regex(/^0x[0-9a-f]{64}$/);
const EXAMPLE_DIGEST = "0x9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a";

export const offlineKey = {
  schema: z.strictObject({
    keyId: z.string().regex(/^okey_[0-9a-f-]{36}$/),
    algorithm: z.literal("X25519-HKDF-SHA256-AES-256-GCM"),
    publicKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .describe("The gateway's raw 32-byte X25519 public key, base64url"),
  }),
  example: {
    keyId: "okey_0b5e1d7c-2f4a-4c9e-8d3b-6a1f0e2c4b7d",
    algorithm: "X25519-HKDF-SHA256-AES-256-GCM" as const,
    publicKey: "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo",
  },
};

const itemResultSchema = z.union([
  z.strictObject({
    index: z.number().int(),
    deliveryId: z.string(),
    outcome: z.literal("accepted"),
    state: z
      .enum(DELIVERY_STATES)
      .describe("The delivery's state now: accepted, awaiting_cosign, then redeemed or refused"),
    redemptionId: hashSchema,
  }),
  z.strictObject({
    index: z.number().int(),
    deliveryId: z
      .string()
      .nullable()
      .describe("Null for a receipt the device opened offline that was refused: no delivery was made"),
    redemptionId: hashSchema.optional().describe("A refused receipt opened offline: its EIP-712 digest"),
    outcome: z.literal("refused"),
    code: z
      .string()
      .describe(
        "e.g. `replayed`, `not_found`, `sealed_pin_invalid`, `sealed_for_another_delivery`, `pin_incorrect`, `locked`; " +
          "for a receipt opened offline also `vendor_mismatch`, `nonce_not_reserved`, `nonce_used`, `expired`, " +
          "`deadline_invalid`, `period_ended`, `vendor_not_allowed`, `not_member`, `above_entitlement`",
      ),
    message: z.string(),
  }),
]);

export const offlineUpload = {
  schema: z.strictObject({
    uploadId: z.string().regex(/^oup_[0-9a-f-]{36}$/),
    accepted: z.number().int(),
    refused: z.number().int(),
    items: z.array(itemResultSchema),
    replayed: z.boolean(),
  }),
  example: {
    uploadId: "oup_4f0c2a7e-9b1d-4e3f-a5c6-7d8e9f0a1b2c",
    accepted: 1,
    refused: 1,
    items: [
      {
        index: 0,
        deliveryId: "dlv_6b1f3c2e-8a4d-4f7b-9c0e-1d2a3b4c5d6e",
        outcome: "accepted" as const,
        state: "accepted" as const,
        redemptionId: EXAMPLE_DIGEST,
      },
      {
        index: 1,
        deliveryId: "dlv_7c2a4d3f-9b5e-4a8c-8d1f-2e3b4c5d6e7f",
        outcome: "refused" as const,
        code: "replayed",
        message: "This delivery was already accepted, disputed or closed.",
      },
    ],
    replayed: false,
  },
};

const memberSchema = z.strictObject({
  beneficiaryRef: hashSchema,
  wallet: z.string().regex(/^0x[0-9a-f]{40}$/),
  custody: z
    .enum(["self", "custodial"])
    .describe("`self`: the member signs with their wallet; `custodial`: a PIN"),
});
const EXAMPLE_REF = "0x5f1c9e7a3b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a3c5b7d9f2e4a6c8b0d1f3e";

export const offlinePack = {
  schema: z.strictObject({
    pack: z.strictObject({
      version: z.literal(1),
      packId: z.string().regex(/^opack_[0-9a-f-]{36}$/),
      issuedAt: z.string(),
      validUntil: z.string().describe("Open no delivery from this pack after this time"),
      chainId: z.number().int(),
      ledger: z
        .string()
        .regex(/^0x[0-9a-f]{40}$/)
        .describe("The EIP-712 domain's verifying contract"),
      vendor: z.string().regex(/^0x[0-9a-f]{40}$/),
      deviceId: z.string(),
      programmeId: z.number().int(),
      period: z.number().int(),
      entitlementId: z
        .string()
        .describe("The programme's ERC-1155 token id this period: programmeId << 32 | period"),
      decimals: z.number().int(),
      sealingKey: offlineKey.schema,
      households: z.array(
        z.strictObject({
          householdRef: hashSchema,
          balance: z
            .string()
            .regex(/^[0-9]+$/)
            .describe("What the household has left, base units"),
          nonces: z
            .array(z.string().regex(/^[0-9]+$/))
            .describe("Receipt nonces reserved to this device, each for one receipt"),
          members: z.array(memberSchema),
        }),
      ),
    }),
    signature: z
      .string()
      .regex(/^[A-Za-z0-9_-]{86}$/)
      .describe("Ed25519 over the pack's canonical JSON (keys sorted), base64url"),
    signingKey: z.strictObject({
      keyId: z.string().regex(/^opk_[0-9a-f-]{36}$/),
      algorithm: z.literal("Ed25519"),
      publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    }),
  }),
  example: {
    pack: {
      version: 1 as const,
      packId: "opack_2c7e9a1b-4d3f-4e5a-8b6c-0d1e2f3a4b5c",
      issuedAt: "2026-12-01T08:00:00.000Z",
      validUntil: "2026-12-04T08:00:00.000Z",
      chainId: 31337,
      ledger: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      vendor: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      deviceId: "device-17",
      programmeId: 4,
      period: 20423,
      entitlementId: "17179889607",
      decimals: 18,
      sealingKey: offlineKey.example,
      households: [
        {
          householdRef: EXAMPLE_DIGEST,
          balance: "1000000000000000000000000",
          nonces: ["5228288", "5228289", "5228290", "5228291"],
          members: [
            {
              beneficiaryRef: EXAMPLE_REF,
              wallet: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
              custody: "custodial" as const,
            },
          ],
        },
      ],
    },
    signature: "q1Vx3c0k9Jm2N8bT5rW7yZ1aC4eG6iK8mO0qS2uW4yA6cE8gI0kM2oQ4sU6wY8aC0eG2iK4mO6qS8uW0yA2cE4",
    signingKey: {
      keyId: "opk_8d2f4a6c-1b3e-4f5a-9c7d-2e4f6a8b0c1d",
      algorithm: "Ed25519" as const,
      publicKey: "mQ3xV7bN1cZ5kL9pR2tW6yA0dF4hJ8sU3eG7iK1oM5q",
    },
  },
};
