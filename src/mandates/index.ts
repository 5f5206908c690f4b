/**
 * Nazr-e bimeh (premium mandates), the gateway's side: an insurer, or the household's charity, proposes a
 * standing mandate; a member accepts it once (its own wallet's EIP-712 signature, or its custodial wallet after
 * a PIN or SMS code) and any member revokes it; the insurer redeems one premium a period under it, each a
 * delivery redeemed through the outbox like any other, and the household is told by SMS when it is insured.
 */
export { MANDATES_SQL } from "./schema";
export { MANDATE_CHANNELS, MANDATE_STATES } from "./types";
export type { MandateCaller, MandateChannel, MandateDeps, MandateState } from "./types";
export { MANDATE_RECEIPT_INDEX, mandateQrPayload, mandatesDomain } from "./terms";
export type { MandateTypedData, RevocationTypedData } from "./terms";
export { MANDATE_ACCEPTANCE_SECONDS, proposeMandate, proposeMandateSchema } from "./proposeMandate";
export type { ProposeMandateParams } from "./proposeMandate";
export { currentPeriods, getMandate, listMandates, REVOCATION_LIFETIME_SECONDS } from "./mandateView";
export type { ListMandatesParams, MandateView, PremiumView } from "./mandateView";
export {
  MANDATE_CODE_PURPOSES,
  MANDATE_CODES,
  mandateSmsCodeSchema,
  requestMandateSmsCode,
} from "./smsCodes";
export { ACCEPT_JOB, acceptMandate, acceptMandateSchema } from "./acceptMandate";
export type { AcceptMandateParams } from "./acceptMandate";
export { REVOKE_JOB, revokeMandate, revokeMandateSchema } from "./revokeMandate";
export type { RevokeMandateParams } from "./revokeMandate";
export { redeemPremium, redeemPremiumSchema, redeemPremiums, redeemPremiumsSchema } from "./redeemPremiums";
export type { RedeemedPremium, RedeemPremiumParams, RedeemPremiumsParams } from "./redeemPremiums";
export { insuredText, sendNoticesOnTime, sendPremiumNotices, withPremiumNotices } from "./premiumNotices";
export { MANDATE_REFUSALS } from "./refusals";
