/**
 * Anchoring: off-chain confirmations that are not redemptions (distributions in kind, service visits) are
 * recorded, closed into Merkle batches by size or age, anchored on chain through the outbox, and each gets
 * its inclusion proof, which anyone can check with `ReceiptAnchor.verifyReceipt`.
 */
export { ANCHORING_SQL } from "./schema";
export { recordConfirmation, confirmationInputSchema } from "./recordConfirmation";
export type { RecordConfirmationParams, RecordedConfirmation } from "./recordConfirmation";
export { closeDueBatches, ANCHOR_JOB, BATCH_URI } from "./closeBatches";
export type { ClosedBatch } from "./closeBatches";
export { anchorHandlers } from "./anchorHandlers";
export { closeBatchesOnTime } from "./batchTimer";
export { getConfirmation } from "./getConfirmation";
export type { ConfirmationViewer } from "./getConfirmation";
export { verifyConfirmation } from "./verifyConfirmation";
export type { VerifiedConfirmation } from "./verifyConfirmation";
export { listAnchors, getAnchor } from "./listAnchors";
export { anchoredProofsOf } from "./anchoredProofs";
export type { AnchoredProof } from "./anchoredProofs";
export type { AnchorDetail, AnchorPage } from "./listAnchors";
export { confirmationHashOf, CONFIRMATION_TYPES } from "./confirmationHash";
export type { ConfirmationFields } from "./confirmationHash";
export { MerkleTree, leafOf, hashPair, proofReaches } from "./merkle";
export * from "./types";
