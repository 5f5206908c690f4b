/**
 * Recognition ("good coin"): benefactors are recognised for what reached confirmed delivery, never for
 * giving alone. Each month's totals come from the ledger's lineage events (the indexer's read models) and
 * are anchored as one Merkle root through `ReceiptAnchor`, so the redemption's gas is untouched and anyone
 * can check a total; the time bank's confirmed services count too, as minutes served per member, leaves of
 * the same tree. The public leaderboard lists only donors (and members) who opted in, under a pseudonym.
 */
export { RECOGNITION_SERVICE_SQL, RECOGNITION_SQL } from "./schema";
export { parsePeriod, periodAt, PERIOD_PATTERN, type RecognitionPeriod } from "./period";
export {
  accountOfGift,
  goodCoinOfPeriod,
  leafHash,
  minutesServedOfPeriod,
  recognitionHash,
  RECOGNITION_DOMAIN,
  serviceRecognitionHash,
  SERVICE_RECOGNITION_DOMAIN,
  type RecognitionKind,
} from "./goodCoin";
export {
  closeDueRecognitionPeriods,
  closeRecognitionPeriod,
  RECOGNITION_ANCHOR_JOB,
  RECOGNITION_URI,
  type ClosedPeriod,
} from "./closePeriod";
export { recognitionAnchorHandlers } from "./anchorHandlers";
export { aliasSchema, optIn, optInMember, optOut, optOutMember, type OptIn } from "./optIn";
export {
  memberRecognitionProof,
  recognitionPeriod,
  recognitionProof,
  type LeaderboardEntry,
  type VolunteerEntry,
  type PeriodView,
  type RecognitionProof,
} from "./periodView";
export type { PeriodState, RecognitionDeps } from "./types";
export { closeRecognitionOnTime } from "./periodTimer";
