import { z } from "zod";
import { EVIDENCE_MAX_BYTES, EVIDENCE_MEDIA_TYPES } from "../../evidence";

/** What the evidence routes answer, as strict zod schemas (see `responseSchemas.ts`). */

const evidenceIdSchema = z
  .string()
  .regex(/^ev_[0-9a-f-]{36}$/)
  .describe("As the upload answered it");
const cidSchema = z
  .string()
  .describe("The IPFS CID of the encrypted object (CIDv1, base32); the plaintext is never stored");
const evidenceHashSchema = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/)
  .describe(
    "What a DeliveryReceipt's `evidenceHash` commits to: keccak256(salt || plaintext), salt = HMAC-SHA256(file key, `sintech:evidence-hash:v1`)",
  );
const mediaTypeSchema = z.enum(EVIDENCE_MEDIA_TYPES);
const sizeSchema = z.number().int().min(1).max(EVIDENCE_MAX_BYTES).describe("Plaintext bytes");

export const EXAMPLE_EVIDENCE_ID = "ev_3b1f7c2e-8a4d-4f6b-9e0a-1c2d3e4f5a6b";
const EXAMPLE_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const EXAMPLE_HASH = "0x7d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";

export const storedEvidence = {
  schema: z.strictObject({
    evidenceId: evidenceIdSchema,
    cid: cidSchema,
    evidenceHash: evidenceHashSchema,
    size: sizeSchema,
    mediaType: mediaTypeSchema,
  }),
  example: {
    evidenceId: EXAMPLE_EVIDENCE_ID,
    cid: EXAMPLE_CID,
    evidenceHash: EXAMPLE_HASH,
    size: 482113,
    mediaType: "image/jpeg",
  },
};

export const evidenceMetadata = {
  schema: z.strictObject({
    evidenceId: evidenceIdSchema,
    programmeId: z.number().int(),
    uploadedBy: z.string().describe("The uploading organisation's id"),
    mediaType: mediaTypeSchema,
    size: sizeSchema,
    cid: cidSchema,
    evidenceHash: evidenceHashSchema,
    store: z.enum(["helia", "kubo"]).describe("Which evidence store holds it"),
    createdAt: z.string().describe("ISO 8601 date and time"),
  }),
  example: {
    evidenceId: EXAMPLE_EVIDENCE_ID,
    programmeId: 4,
    uploadedBy: "org_5c7e9a1b3d2f",
    mediaType: "image/jpeg",
    size: 482113,
    cid: EXAMPLE_CID,
    evidenceHash: EXAMPLE_HASH,
    store: "helia",
    createdAt: "2026-12-01T09:30:00.000Z",
  },
};

export const evidenceKey = {
  schema: z.strictObject({
    evidenceId: evidenceIdSchema,
    cid: cidSchema,
    evidenceHash: evidenceHashSchema,
    mediaType: mediaTypeSchema,
    key: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe(
        "The file's AES-256-GCM key: with it, anyone opens the object fetched by CID and checks the hash",
      ),
  }),
  example: {
    evidenceId: EXAMPLE_EVIDENCE_ID,
    cid: EXAMPLE_CID,
    evidenceHash: EXAMPLE_HASH,
    mediaType: "image/jpeg",
    key: "4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
  },
};
