/**
 * Recognition ("good coin"): benefactors are recognised for what reached confirmed delivery, never for
 * giving alone. Each month's totals come from the ledger's lineage events (the indexer's read models) and
 * are anchored as one Merkle root through `ReceiptAnchor`, so the redemption's gas is untouched and anyone
 * can check a total; the public leaderboard lists only donors who opted in, under a pseudonym.
 */
export { RECOGNITION_SQL } from "./schema";
export { parsePeriod, periodAt, PERIOD_PATTERN, type RecognitionPeriod } from "./period";
export { accountOfGift, goodCoinOfPeriod, recognitionHash, RECOGNITION_DOMAIN } from "./goodCoin";
export {
  closeDueRecognitionPeriods,
  closeRecognitionPeriod,
  RECOGNITION_ANCHOR_JOB,
  RECOGNITION_URI,
  type ClosedPeriod,
} from "./closePeriod";
export { recognitionAnchorHandlers } from "./anchorHandlers";
export { aliasSchema, optIn, optOut, type OptIn } from "./optIn";
export {
  recognitionPeriod,
  recognitionProof,
  type LeaderboardEntry,
  type PeriodView,
  type RecognitionProof,
} from "./periodView";
export type { PeriodState, RecognitionDeps } from "./types";
export { closeRecognitionOnTime } from "./periodTimer";
