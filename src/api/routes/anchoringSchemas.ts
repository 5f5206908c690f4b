import { z } from "zod";
import { CONFIRMATION_KINDS } from "../../anchoring/types";
import { EXAMPLE_REF } from "./responseSchemas";

/**
 * What the anchoring routes answer, as strict zod schemas (see `responseSchemas.ts`): the OpenAPI document
 * is generated from them, and the end-to-end tests check every real response against it.
 */

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const txHash = z.string().regex(/^0x[0-9a-f]{64}$/);
const timeSchema = z.string().describe("ISO 8601 date and time");
const batchState = z
  .enum(["queued", "anchored", "failed"])
  .describe(
    "`queued`: the anchor is in the outbox; `anchored`: confirmed on chain; `failed`: refused, queued again later",
  );

const EXAMPLE_ROOT = "0x9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a";
const EXAMPLE_HASH = "0x3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e0b1d3f5a7c9e1b";
const EXAMPLE_TX = "0x7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e";
const EXAMPLE_SALT = "0x5e7b9f2d4c6a8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a";
const EXAMPLE_PROOF = [
  "0x0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6a8e",
  "0xa8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f6f1d0c3a5e7b9f2d4c6",
];
const EXAMPLE_TIME = "2026-12-01T09:30:00.000Z";

export const recordedConfirmation = {
  schema: z.strictObject({
    confirmationId: z.string().regex(/^cnf_[0-9a-f-]{36}$/),
    confirmationHash: hash32.describe(
      "What `ReceiptAnchor.verifyReceipt` takes; salted, so never a hash of guessable fields",
    ),
    state: z
      .enum(["pending", "batched", "anchored"])
      .describe(
        "`batched` when this confirmation filled a batch and its anchor was queued; a replay answers the state now",
      ),
    replayed: z.literal(true).optional().describe("Present when the idempotency key was used before"),
  }),
  example: {
    confirmationId: "cnf_0d9c6f1e-8a3b-4c2d-9e7f-1a2b3c4d5e6f",
    confirmationHash: EXAMPLE_HASH,
    state: "pending",
  },
  replayed: {
    confirmationId: "cnf_0d9c6f1e-8a3b-4c2d-9e7f-1a2b3c4d5e6f",
    confirmationHash: EXAMPLE_HASH,
    state: "anchored",
    replayed: true,
  },
};

const batchOfConfirmation = z
  .strictObject({
    root: hash32,
    leafIndex: z.number().int().min(0),
    state: batchState,
    txHash: txHash.nullable(),
    blockNumber: z.number().int().nullable(),
    anchoredAt: timeSchema.nullable(),
    proof: z
      .array(hash32)
      .nullable()
      .describe(
        "Sibling hashes from the leaf up (sorted-pair hashing, OpenZeppelin `MerkleProof`); null until anchored",
      ),
  })
  .nullable()
  .describe("Null while the confirmation waits for its batch to close");

export const confirmation = {
  schema: z.strictObject({
    confirmationId: z.string(),
    confirmationHash: hash32,
    state: z.enum(["pending", "batched", "anchored"]),
    programmeId: z.number().int(),
    householdRef: hash32,
    kind: z.enum(CONFIRMATION_KINDS),
    deliveredAt: timeSchema,
    evidenceHash: hash32.nullable(),
    recordedBy: z.string().describe("The organisation that recorded it"),
    salt: hash32.describe(
      "Mixed into the hash; with the fields above, anyone can recompute `confirmationHash`",
    ),
    recordedAt: timeSchema,
    batch: batchOfConfirmation,
    verifiedOnChain: z
      .boolean()
      .optional()
      .describe(
        "With `verify=true`: what `ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)` answered",
      ),
  }),
  example: {
    confirmationId: "cnf_0d9c6f1e-8a3b-4c2d-9e7f-1a2b3c4d5e6f",
    confirmationHash: EXAMPLE_HASH,
    state: "anchored",
    programmeId: 4,
    householdRef: EXAMPLE_REF,
    kind: "in_kind_distribution",
    deliveredAt: "2026-12-01T08:00:00.000Z",
    evidenceHash: null,
    recordedBy: "org_3f9a2c1e",
    salt: EXAMPLE_SALT,
    recordedAt: EXAMPLE_TIME,
    batch: {
      root: EXAMPLE_ROOT,
      leafIndex: 2,
      state: "anchored",
      txHash: EXAMPLE_TX,
      blockNumber: 1812,
      anchoredAt: "2026-12-01T09:40:02.000Z",
      proof: EXAMPLE_PROOF,
    },
    verifiedOnChain: true,
  },
};

const anchorShape = {
  root: hash32,
  count: z.number().int().min(1),
  state: batchState,
  attempts: z.number().int().min(1),
  errorName: z.string().nullable().describe("The contract's refusal of the last attempt"),
  txHash: txHash.nullable(),
  blockNumber: z.number().int().nullable(),
  closedAt: timeSchema,
  anchoredAt: timeSchema.nullable(),
  uri: z.string().describe("As anchored on chain: the route that lists batches, each under its root"),
};
const anchorExample = {
  root: EXAMPLE_ROOT,
  count: 1000,
  state: "anchored",
  attempts: 1,
  errorName: null,
  txHash: EXAMPLE_TX,
  blockNumber: 1812,
  closedAt: "2026-12-01T09:40:00.000Z",
  anchoredAt: "2026-12-01T09:40:02.000Z",
  uri: "/v1/anchors",
};

export const anchorList = {
  schema: z.strictObject({
    anchors: z.array(z.strictObject(anchorShape)),
    total: z.number().int().min(0),
    offset: z.number().int().min(0),
    limit: z.number().int().min(1),
  }),
  example: { anchors: [anchorExample], total: 1, offset: 0, limit: 50 },
};

export const anchor = {
  schema: z.strictObject({
    ...anchorShape,
    onChain: z
      .strictObject({ anchoredAt: timeSchema.nullable(), count: z.number().int().min(0) })
      .nullable()
      .describe("`ReceiptAnchor.anchorOf(root)` now; null when the chain could not be read"),
  }),
  example: { ...anchorExample, onChain: { anchoredAt: "2026-12-01T09:40:01.000Z", count: 1000 } },
};
