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
    deliveryId: z.string(),
    outcome: z.literal("refused"),
    code: z
      .string()
      .describe(
        "e.g. `replayed`, `not_found`, `sealed_pin_invalid`, `sealed_for_another_delivery`, `wrong_pin`, `locked`",
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
