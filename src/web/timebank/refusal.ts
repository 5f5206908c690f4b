import type { AppError } from "../../errors";
import type { Html } from "../html";
import type { TextKey } from "../i18n/texts";
import { errorBox } from "../layout";
import type { PageState } from "../pageState";

/** The refusals a coordinator's forms meet, by the use-cases' and the TimeBank's codes, in the page's words. */
const REFUSALS: Record<string, TextKey> = {
  not_coordinator: "tbRefusal_not_coordinator",
  not_found: "tbRefusal_not_found",
  member_exists: "tbRefusal_member_exists",
  MemberWalletTaken: "tbRefusal_MemberWalletTaken",
  MemberRefTaken: "tbRefusal_member_exists",
  MemberStatusInvalid: "tbRefusal_MemberStatusInvalid",
  CreditLimitExceeded: "tbRefusal_CreditLimitExceeded",
  PoolInsufficient: "tbRefusal_PoolInsufficient",
  CoordinatorUnauthorized: "tbRefusal_CoordinatorUnauthorized",
  CoordinatorNotIndependent: "tbRefusal_CoordinatorNotIndependent",
  not_open: "tbRefusal_not_open",
  self_service: "tbRefusal_self_service",
  giver_self_custodied: "tbRefusal_giver_self_custodied",
  not_custodial: "tbRefusal_not_custodial",
  guessable: "tbRefusal_guessable",
  idempotency_key_reused: "tbRefusal_idempotency_key_reused",
  DonationExceedsCredit: "tbRefusal_DonationExceedsCredit",
  self_donation: "tbRefusal_self_donation",
  pin_incorrect: "tbRefusal_wrong_pin",
  locked: "tbRefusal_locked",
  no_phone: "tbRefusal_no_phone",
  one_proof: "tbRefusal_one_proof",
  expired: "tbRefusal_expired",
  code_incorrect: "tbRefusal_code_incorrect",
  code_expired: "tbRefusal_code_gone",
  code_used: "tbRefusal_code_gone",
  code_locked: "tbRefusal_code_gone",
  no_code: "tbRefusal_code_gone",
  not_signer: "tbRefusal_not_signer",
  malformed: "tbRefusal_bad_signature",
  high_s: "tbRefusal_bad_signature",
};

/**
 * A refused form above the page: what was refused in the page's language with the code it was refused with,
 * and the field named; the time bank's own words for its codes, the pages' shared ones (src/web/i18n/refusals.ts)
 * for the rest.
 */
export function refusalBox(page: PageState, error: AppError | undefined): Html {
  return errorBox(page, error, REFUSALS);
}
