import type { AppError } from "../../errors";
import type { Html } from "../html";
import type { TextKey } from "../i18n/texts";
import { errorBox } from "../layout";
import type { PageState } from "../pageState";

/** The mandates' refusals (the use-cases', PremiumMandates' and the ledger's codes) in the page's words. */
const REFUSALS: Record<string, TextKey> = {
  not_insurance: "insRefusal_not_insurance",
  above_cap: "insRefusal_above_cap",
  insurer_not_allowed: "insRefusal_insurer_not_allowed",
  ended: "insRefusal_ended",
  before_first: "insRefusal_before_first",
  not_registered: "insRefusal_not_registered",
  not_found: "insRefusal_not_found",
  not_proposed: "insRefusal_not_proposed",
  expired: "insRefusal_expired",
  not_accepted: "insRefusal_not_accepted",
  already_revoked: "insRefusal_already_revoked",
  sign_with_own_wallet: "insRefusal_sign_with_own_wallet",
  no_phone: "insRefusal_no_phone",
  pin_incorrect: "insRefusal_pin_incorrect",
  locked: "insRefusal_locked",
  code_incorrect: "insRefusal_code_incorrect",
  code_expired: "insRefusal_code_gone",
  code_used: "insRefusal_code_gone",
  code_locked: "insRefusal_code_gone",
  no_code: "insRefusal_code_gone",
  one_proof: "insRefusal_one_proof",
  idempotency_key_reused: "insRefusal_idempotency_key_reused",
  duplicate: "insRefusal_duplicate",
  not_signer: "insRefusal_not_signer",
  mandate_revoked: "insRefusal_mandate_revoked",
  after_last_period: "insRefusal_after_last_period",
  before_first_period: "insRefusal_before_first_period",
  above_premium: "insRefusal_above_premium",
  member_inactive: "insRefusal_member_inactive",
  not_covered: "insRefusal_not_covered",
  mandate_unknown: "insRefusal_mandate_unknown",
  ReceiptNonceUsed: "insRefusal_ReceiptNonceUsed",
  ReceiptNonceInvalid: "insRefusal_ReceiptNonceInvalid",
  refused_this_period: "insRefusal_refused_this_period",
  EntitlementInsufficient: "insRefusal_EntitlementInsufficient",
  MandateExpired: "insRefusal_MandateExpired",
  MandateSignatureInvalid: "insRefusal_MandateSignatureInvalid",
  MandateAlreadyRevoked: "insRefusal_already_revoked",
};

/**
 * A refusal's words in the page's language: its own sentence where the pages have one; otherwise the
 * use-case's precise English sentence in English, and in Persian the general words (`fallback`).
 */
export function refusalWords(
  page: Pick<PageState, "t" | "lang">,
  code: string | undefined,
  message: string,
  fallback: TextKey,
): string {
  const key = code === undefined ? undefined : REFUSALS[code];
  if (key !== undefined) return page.t(key);
  return page.lang === "fa" ? page.t(fallback) : message;
}

/** A refused form above the page: what was refused, with the code it was refused with, and the field named. */
export function mandateRefusalBox(page: PageState, error: AppError | undefined): Html {
  if (!error) return errorBox(page, undefined);
  const words = refusalWords(page, error.code, error.message, "insRefusal_input");
  return errorBox(page, {
    message: error.code === undefined ? words : `${words} (${error.code})`,
    field: error.field,
  });
}
