/**
 * Delivery: a vendor opens a delivery for a household, the household accepts it (own wallet's EIP-712
 * signature, SMS code, PIN at the vendor's device, or a USSD PIN) or disputes it, a field agent co-signs
 * where the programme needs one, the outbox redeems it on chain, and the household file's own ledger keeps
 * every receipt. The use-cases the USSD and SMS faces call are plain functions over `DeliveryDeps`:
 *
 * - `pendingDeliveriesFor(deps, householdRef)`: open deliveries waiting for the household's word;
 * - `acceptDelivery(deps, {deliveryId, by, channel, pin | smsCode | signature})`;
 * - `disputeDelivery(deps, {deliveryId, by, reason, pin | smsCode | signature})`;
 * - `answerDispute(deps, access, deliveryId, {answer, evidenceCid})`: the programme's charity answers it;
 * - `resolveDisputeFlag(deps, resolver, deliveryId, {upheld, reportCid, idempotencyKey})`: an auditor or the
 *   regulator resolves the flag on chain;
 * - `requestSmsCode(deps, deliveryId)`: texts the household a code bound to that delivery;
 * - `householdReceipts(deps, householdRef)`: the household's ledger, newest first.
 */
export { DELIVERY_SQL } from "./schema";
export type { AcceptanceChannel, DeliveryCaller, DeliveryDeps, DeliveryState, FlagState } from "./types";
export { ACCEPTANCE_CHANNELS, DELIVERY_STATES, FLAG_STATES } from "./types";
export { DELIVERY_ITEMS } from "./items";
export type { DeliveryItem } from "./items";
export {
  DeliveryStateError,
  EntitlementExceededError,
  SignatureRefusedError,
  SmsCodeError,
  VendorNotAllowedError,
} from "./errors";
export { DELIVERY_REFUSALS, DeliveryRefusedError } from "./refusals";
export { openDelivery, openDeliverySchema, RECEIPT_LIFETIME_SECONDS } from "./openDelivery";
export type { OpenDeliveryParams } from "./openDelivery";
export { acceptDelivery, acceptanceSchema } from "./acceptDelivery";
export type { AcceptDeliveryParams, AcceptanceProof } from "./acceptDelivery";
export { cosignDelivery } from "./cosignDelivery";
export { disputeDelivery, disputeMessage, disputeSchema, DISPUTE_REASONS } from "./disputeDelivery";
export type { DisputeDeliveryParams } from "./disputeDelivery";
export { answerDispute, answerDisputeSchema } from "./answerDispute";
export type { AnswerDisputeAccess, AnswerDisputeParams } from "./answerDispute";
export { CID_PATTERN, DISPUTE_ANSWERS } from "./disputeRecords";
export type { DisputeAnswer, DisputeAnswerCode, FlagResolution } from "./disputeRecords";
export {
  FLAG_RESOLUTION_JOB,
  flagResolutionHandlers,
  flagResolutionSchema,
  resolveDisputeFlag,
} from "./resolveDisputeFlag";
export type { FlagResolutionDeps, FlagResolutionParams, FlagResolver } from "./resolveDisputeFlag";
export { requestSmsCode } from "./requestSmsCode";
export type { SmsCodeSent } from "./requestSmsCode";
export { lookupEntitlement, lookupSchema } from "./lookupEntitlement";
export type { EntitlementLookup, LookupParams } from "./lookupEntitlement";
export { householdReceipts } from "./householdReceipts";
export type { HouseholdReceipt } from "./householdReceipts";
export { pendingDeliveriesFor } from "./pendingDeliveries";
export {
  deliveryRow,
  deliveryView,
  listDeliveries,
  mayRead,
  recordDeliveryReads,
  visibleDeliveryRow,
} from "./deliveryView";
export type { DeliveryView, ListDeliveriesParams } from "./deliveryView";
export { ledgerDomain, qrPayloadOf, receiptDigest, typedDataOf } from "./receipt";
export type { ReceiptTypedData } from "./receipt";
export { batchQueuedRedemptions } from "./batchRedemptions";
export {
  FLAG_JOB,
  REDEEM_BATCH_SIZE,
  REDEEM_JOB,
  flagHandlers,
  queueRedemption,
  redemptionCall,
  redemptionHandlers,
} from "./redeemQueue";
export type { RedemptionItem } from "./redeemQueue";
export { fileSmsSender, SMS_OUTBOX_FILE } from "./otp/smsSender";
export type { SmsMessage, SmsSender } from "./otp/smsSender";
export { issueSmsCode, MAX_SMS_CODE_ATTEMPTS, SMS_CODE_TTL_MS, useSmsCode } from "./otp/smsCodes";
export type { SmsCodeBook } from "./otp/smsCodes";
export { nativeRecovery, nobleRecovery, recoverSigner, signerRecovery } from "./signatures/recoverSigner";
export type { Recovery, SignerRecovery, SignatureProblem } from "./signatures/recoverSigner";
export { offlineKey } from "./offline/offlineKey";
export type { OfflineKey } from "./offline/offlineKey";
export { openSealedPin, sealPin, SEALED_PIN_ALGORITHM, SealedPinError } from "./offline/sealedPin";
export { MAX_OFFLINE_ITEMS, offlineUploadSchema, uploadOfflineDeliveries } from "./offline/uploadOffline";
export {
  issueOfflinePack,
  MAX_PACK_HOUSEHOLDS,
  offlinePackSchema,
  packSigningKey,
  verifyOfflinePack,
} from "./offline/offlinePack";
export type {
  OfflinePack,
  OfflinePackBody,
  OfflinePackHousehold,
  OfflinePackParams,
} from "./offline/offlinePack";
export { offlineReceiptSchema } from "./offline/openedOffline";
export type { OfflineReceipt } from "./offline/openedOffline";
export type { OfflineItemResult, OfflineUpload, OfflineUploadParams } from "./offline/uploadOffline";
export { handleUssd, ussdRequestSchema } from "./ussd/handleUssd";
export type { UssdAnswer, UssdDeps, UssdRequest } from "./ussd/handleUssd";
export { MAX_SCREEN_LENGTH } from "./ussd/menu";
export { vendorSettlement } from "./vendorSettlement";
export { vendorAllowed as vendorAllowedInProgramme } from "./chainFacts";
export { receiptSigner } from "./findHousehold";
export { householdMember, requireSignedBy } from "./member";
export { householdPhone } from "./requestSmsCode";
export { MANDATE_CHANNEL, PREMIUM_ITEM, recordStandingRedemptions } from "./standingRedemption";
export type { StandingRedemption } from "./standingRedemption";
export { DELIVERY_CODES } from "./otp/smsCodes";
export type { VendorProgrammeSettlement } from "./vendorSettlement";
