import { z } from "zod";
import { householdPhone, issueSmsCode, type SmsCodeBook } from "../delivery";
import { AppError } from "../errors";
import { fromUnits } from "../programmes";
import { parseInput } from "../validation";
import { actionableMandate } from "./mandateView";
import type { MandateCaller, MandateDeps, MandateRow } from "./types";

/** The mandates' SMS codes: the delivery room's checks (keyed hash, five tries, five minutes), their own table. */
export const MANDATE_CODES: SmsCodeBook = {
  table: "mandate_otps",
  subjectColumn: "subject_key",
  subjectField: "mandateId",
  noun: "mandate",
  keyInfo: "sintech:mandates:sms-code",
};

export const MANDATE_CODE_PURPOSES = ["accept", "revoke"] as const;
export type MandateCodePurpose = (typeof MANDATE_CODE_PURPOSES)[number];

export const mandateSmsCodeSchema = z.strictObject({
  /** What the code will authorise: accepting the proposal, or revoking the accepted mandate. */
  purpose: z.enum(MANDATE_CODE_PURPOSES),
});

/** A code is bound to one mandate and one purpose: a code sent to accept never revokes, nor the other way. */
export function codeSubject(row: Pick<MandateRow, "mandate_key">, purpose: MandateCodePurpose): string {
  return `${row.mandate_key}:${purpose}`;
}

/**
 * Texts the household a 6-digit code bound to this mandate and purpose, saying what it authorises (the premium
 * and periods, or the revocation), in Persian and English. The code is kept only as a keyed hash; the phone is
 * read from the household's vault in memory only, for the SMS adapter.
 */
export async function requestMandateSmsCode(
  deps: MandateDeps,
  caller: MandateCaller,
  mandateKey: string,
  params: z.input<typeof mandateSmsCodeSchema>,
): Promise<{ mandateId: string; purpose: MandateCodePurpose; expiresAt: string }> {
  const { purpose } = parseInput(mandateSmsCodeSchema, params);
  const row = actionableMandate(deps, mandateKey, caller);
  const wanted = purpose === "accept" ? "proposed" : "accepted";
  if (row.state !== wanted)
    throw new AppError(
      "MandateStateError",
      409,
      purpose === "accept"
        ? "This mandate is no longer waiting for acceptance."
        : "Only an accepted mandate is revoked.",
      "purpose",
      purpose === "accept" ? "not_proposed" : "not_accepted",
    );
  const phone = householdPhone(deps, row.household_ref, row.beneficiary_ref);
  if (phone === undefined)
    throw new AppError(
      "MandateStateError",
      409,
      "The household has no phone number on file; use a PIN or a wallet signature instead.",
      "mandateId",
      "no_phone",
    );
  const { code, expiresAt } = issueSmsCode(deps, codeSubject(row, purpose), MANDATE_CODES);
  const premium = fromUnits(BigInt(row.premium), deps.decimals);
  const periods = `${row.first_period}-${row.last_period}`;
  const text =
    purpose === "accept"
      ? `Sin Tech: ${code} accepts that an insurer take ${premium} a period (periods ${periods}) of programme ${row.programme_id} as your insurance premium. Give it only if you agree. Expires in 5 minutes.\n` +
        `سین‌تک: کد ${code} یعنی می‌پذیرید بیمه‌گر در هر دوره ${premium} (دوره‌های ${periods}) از برنامهٔ ${row.programme_id} حق بیمهٔ شما را بردارد. فقط اگر موافقید آن را بدهید. ۵ دقیقه اعتبار دارد.`
      : `Sin Tech: ${code} revokes your insurance premium mandate of programme ${row.programme_id}. Give it only if you want it stopped. Expires in 5 minutes.\n` +
        `سین‌تک: کد ${code} نذر بیمهٔ شما در برنامهٔ ${row.programme_id} را لغو می‌کند. فقط اگر لغو آن را می‌خواهید آن را بدهید. ۵ دقیقه اعتبار دارد.`;
  await deps.sms.send({ to: phone, text });
  return { mandateId: row.mandate_key, purpose, expiresAt };
}
