import type { Language } from "./format";
import type { TextKey, Texts } from "./texts";

/** A refused request as the use-cases throw it (an `AppError`): why, in English, and its stable code. */
export interface Refusal {
  message: string;
  status: number;
  code?: string;
  field?: string;
}

/**
 * Persian words for every refusal the charity's, the regulator's, the vendor's and the donor's forms can
 * meet, by the use-cases' code (or `field:code` where the field changes what the code means); English is
 * the use-case's own sentence. The contracts' custom errors are codes too (the chain's refusal of a write).
 * test/gateway/web/refusals.test.ts checks that every code those forms reach has its line here.
 */
export const PERSIAN_REFUSALS: Readonly<Record<string, string>> = {
  // Input in general (the schemas' and the pages' own checks; the field is named under the words).
  invalid_type: "این مقدار لازم است یا از نوع درستی نیست.",
  too_small: "این مقدار از کمترین اندازهٔ پذیرفته کمتر است.",
  too_big: "این مقدار از بیشترین اندازهٔ پذیرفته بیشتر است.",
  invalid_format: "قالب این مقدار درست نیست.",
  invalid_value: "این مقدار از گزینه‌های پذیرفته نیست.",
  invalid_enum_value: "یکی از گزینه‌ها را برگزینید.",
  invalid_union: "این مقدار با هیچ شکل پذیرفته‌ای جور نیست.",
  invalid_key: "کلیدی در این مقدار پذیرفته نیست.",
  invalid_element: "یکی از اجزای این مقدار پذیرفته نیست.",
  not_multiple_of: "این مقدار مضربِ گامِ پذیرفته نیست.",
  unrecognized_keys: "این فیلد پذیرفته نیست.",
  custom: "این مقدار پذیرفته نیست.",
  invalid_id: "شناسه را فقط با رقم بنویسید.",
  invalid_period: "دوره باید عددی درست باشد.",
  required: "مقداری که لازم است خالی است.",
  format: "قالب این مقدار درست نیست.",
  length: "شمار رقم‌های این مقدار درست نیست.",
  "nationalId:length": "کد ملی ۱۰ رقم نیست.",
  checksum: "رقم کنترل کد ملی نادرست است.",
  repeated_digits: "این کد ملی واقعی نیست.",
  zero: "این مقدار نباید صفر باشد.",
  not_found: "چیزی با این شناسه نیست، یا از آنِ شما نیست.",
  gone: "این داده به خواست صاحبش پاک شده است.",
  idempotency_key_reused: "این فرم پیش‌تر برای چیز دیگری فرستاده شده است: صفحه را دوباره باز کنید.",
  Reverted: "زنجیره این کار را نپذیرفت.",
  // The counter: opening a delivery and its acceptance.
  one_handle: "خانوار را فقط به یک راه بنامید: کارت، مرجع یا کد ملی.",
  vendor_not_allowed: "این فروشنده در این برنامه پذیرفته نیست یا مجوزش آن را در بر نمی‌گیرد.",
  above_entitlement: "مبلغ از ماندهٔ سهم خانوار در این برنامه بیشتر است.",
  receipts_exhausted: "خانوار همهٔ رسیدهای این برنامه را در این دوره به کار برده است.",
  not_open: "این تحویل دیگر باز نیست.",
  not_registered: "هنوز هیچ عضوی از این خانوار کیف پولی روی زنجیره ندارد.",
  too_many_codes: "کدهای پیامکی این تحویل بیش از حد خواسته شده است: کمی بعد دوباره بخواهید.",
  not_awaiting_cosign: "این تحویل در انتظار هم‌امضای مأمور میدانی نیست.",
  not_disputable: "به این تحویل نمی‌توان اعتراض کرد.",
  already_flagged: "به این تحویل پیش‌تر اعتراض شده است.",
  flag_from_own_wallet: "گیرنده‌ای که کیف پولش نزد خود اوست از همان کیف پول اعتراض می‌کند.",
  redemption_pending: "بازخرید این تحویل هنوز روی زنجیره نیامده است.",
  expired: "مهلت رسید این تحویل گذشته است: تحویل تازه‌ای بگشایید.",
  one_proof: "رمز یا کد پیامکی، یکی از آن دو را وارد کنید.",
  no_phone: "تلفنی از این خانوار در پرونده نیست: با رمز تأیید کنید.",
  code_incorrect: "کد پیامکی درست نیست.",
  code_expired: "این کد پیامکی منقضی شده است: کد تازه‌ای بخواهید.",
  code_used: "این کد پیامکی پیش‌تر به کار رفته است: کد تازه‌ای بخواهید.",
  code_locked: "کد نادرست بیش از حد وارد شده است: کد تازه‌ای بخواهید.",
  no_code: "هنوز کدی فرستاده نشده است: نخست کد را بفرستید.",
  pin_incorrect: "رمز درست نیست.",
  pin_not_set: "برای این گیرنده رمزی تعیین نشده است.",
  otp_not_verified: "کد پیامکی هنوز تأیید نشده است.",
  otp_used: "این تأیید پیش‌تر به کار رفته است.",
  locked: "رمز نادرست بیش از حد وارد شده و امضا تا مدتی قفل است.",
  signature_cap: "سقف امضاهای این گیرنده در این بازه پر شده است؛ بعداً دوباره بکوشید.",
  amount_cap: "مبلغ از سقف امضای امانی برای این گیرنده بیشتر است.",
  other_beneficiary: "این امضا برای گیرندهٔ دیگری است.",
  not_custodial: "کیف پول این گیرنده نزد خود اوست: خودش امضا می‌کند.",
  guessable: "این رمز بیش از حد آسان حدس زده می‌شود.",
  duplicate: "یک گیرنده دو بار آمده است.",
  used: "این چالش پیش‌تر به کار رفته است: چالش تازه‌ای بخواهید.",
  control_not_proven: "امضا نشان نمی‌دهد که کیف پول در دست این گیرنده است.",
  not_own_wallet: "این کیف پول از آنِ این گیرنده نیست.",
  wallet_suspended: "کیف پول این گیرنده معلق است.",
  malformed: "امضا درست ساخته نشده است.",
  high_s: "امضا در شکل پذیرفتهٔ زنجیره نیست.",
  not_signer: "امضا از کیف پول این گیرنده نیست.",
  no_wallet: "کیف پولی به این گیرنده بسته نشده است.",
  ledger_mismatch: "رسید برای دفتر یا زنجیرهٔ دیگری است.",
  too_far: "مهلت رسید بیش از حد دور است.",
  no_mandates: "این درگاه نذر بیمه را نمی‌پذیرد.",
  not_aid_ledger: "فقط رسیدهای تحویلِ دفتر کمک امضا می‌شوند.",
  unexpected: "این مقدار نباید باشد.",
  // The charity's review list, the regulator's licence and group forms.
  already_resolved: "این بازبینی پیش‌تر به گونهٔ دیگری انجام شده است.",
  nothing_to_merge: "فقط کسی را که در خانوار دیگری ثبت‌نام شده می‌توان در آن ادغام کرد؛ این ردیف را رد کنید.",
  no_licence: "اهداکنندگان مجوزی ندارند.",
  not_a_charity: "این سازمان خیریه نیست.",
  not_your_programme: "این برنامه از آنِ خیریهٔ شما نیست.",
  // The donor's lookups and webhook.
  receipt_code_issued: "کد رسید این کمک پیش‌تر صادر شده است.",
  not_a_cash_gift: "این کمک نقدی ثبت‌شده به دست خیریه نیست.",
  // The chain's refusals of the pages' writes (its contracts' custom errors).
  VendorMismatch: "فقط فروشندهٔ رسید آن را بازخرید می‌کند.",
  VendorUnauthorized: "فروشنده در این برنامه پذیرفته نیست یا مجوزش آن را در بر نمی‌گیرد.",
  ReceiptExpired: "مهلت رسید پیش از بازخرید گذشت.",
  ReceiptNonceInvalid: "رسید از آنِ دوره‌ای است که پایان یافته است.",
  ReceiptNonceUsed: "خانوار این رسید را پیش‌تر به کار برده است.",
  ReceiptNoncesExhausted: "خانوار همهٔ رسیدهای این برنامه را در این دوره به کار برده است.",
  ReceiptSignatureInvalid: "امضا از کیف پول فعال گیرنده در این خانوار نیست.",
  ReceiptDeadlineBeyondGrace: "کیف پول جایگزین‌شده امضا کرده و مهلت رسید از مهلت آن کیف پول فراتر است.",
  FieldAgentInvalid: "هم‌امضا از مأمور میدانیِ دارای مجوزِ این برنامه نیست.",
  FieldAgentNotIndependent: "مأمور میدانی از این تحویل مستقل نیست: فروشنده، پذیرنده یا عضو خانوار است.",
  FieldAgentRequired: "این برنامه هم‌امضای مأمور میدانی می‌خواهد.",
  EntitlementInsufficient: "ماندهٔ سهم خانوار از این مبلغ کمتر است.",
  RedemptionUnknown: "زنجیره بازخریدی از این رسید نمی‌شناسد.",
  DisputeWindowClosed: "مهلت اعتراض به این بازخرید بسته شده است.",
  FlagUnauthorized: "فقط کیف پول گیرندهٔ رسید یا حسابرس می‌تواند به بازخرید اعتراض کند.",
  DisputeStatusInvalid: "به این بازخرید پیش‌تر اعتراض شده است.",
  GiftTooSmall: "کمک از کمترین کمکِ برنامه کمتر است.",
  GiftTooLarge: "کمک بزرگ‌تر از آن است که دفتر نگه دارد.",
  ERC20InsufficientBalance: "کیف پول کمک‌کننده این اندازه توکن ندارد.",
  ERC20InsufficientAllowance: "دفتر اجازهٔ برداشت این اندازه توکن را از کیف پول کمک‌کننده ندارد.",
  ReallocationTargetInvalid: "برنامهٔ مقصد ناشناخته، همین برنامه یا با توکن دیگری است.",
  ProgrammeCharityOnly: "فقط خیریهٔ خود برنامه کمک نقدی آن را ثبت می‌کند.",
  DonorRefZero: "کمک ثبت‌شده مرجع کمک‌کننده می‌خواهد.",
  TokenTransferMismatch: "توکن مبلغی جز مبلغ خواسته را جابه‌جا کرد.",
  ProgrammeUnknown: "برنامه‌ای با این شناسه روی زنجیره نیست.",
  ProgrammeHasEnded: "برنامه پایان یافته است.",
  ProgrammeIsPaused: "برنامه متوقف است.",
  ProgrammeNotStarted: "برنامه هنوز آغاز نشده است.",
  CharityUnlicensed: "مجوز خیریه این لایه و دسته را در بر نمی‌گیرد.",
  LicenceRevoked: "مجوز سازمان لغو شده است.",
  LicenceStatusInvalid: "مجوز سازمان فعال نیست.",
  ProgrammeWindowInvalid: "برنامه باید پس از آغاز و در آینده پایان یابد.",
  ProgrammePeriodInvalid: "دوره باید مثبت و در گروه انحصاری برابر دورهٔ گروه باشد.",
  ProgrammeLimitsInvalid: "سقف هر دوره و کمترین کمک باید مثبت باشند.",
  ProgrammeTokenZero: "درگاه توکن تسویه‌ای ندارد.",
  ProgrammeVendorsTooMany: "فروشندگان برنامه بیش از آن‌اند که دفتر در آغاز بپذیرد.",
  ExclusivityGroupUnknown: "گروه انحصاری‌ای با این شناسه نیست.",
  ExclusivityGroupInvalid: "گروه انحصاری این برنامه را نمی‌پذیرد.",
  ExclusivityGroupAdmissionUnchanged:
    "خیریهٔ نام‌برده پیش‌تر در همین وضعیت (پذیرفته یا نپذیرفته) در این گروه است.",
  ProgrammePauseUnchanged: "برنامه پیش‌تر در همین وضعیت است.",
  ProgrammePausedByRegulator: "ناظر این برنامه را متوقف کرده است: فقط ناظر آن را از سر می‌گیرد.",
  RegulatorOnly: "فقط ناظر این کار را روی زنجیره می‌کند.",
  ProgrammeCharityOrRegulatorOnly: "فقط خیریهٔ برنامه یا ناظر این کار را می‌کند.",
  SignerUnavailable: "درگاه کلید امضایی برای این سازمان ندارد.",
  // Disputes: the charity's answer and the flag's resolution.
  not_disputed: "هیچ خانواری به این تحویل اعتراض نکرده است.",
  dispute_closed: "این اعتراض پیش‌تر روی زنجیره فیصله یافته است.",
  already_answered: "به این اعتراض پیش‌تر پاسخ دیگری داده شده است.",
  not_a_resolver: "فقط حسابرس یا ناظر اعتراض را فیصله می‌دهد.",
  already_resolving: "فیصلهٔ این اعتراض پیش‌تر به زنجیره فرستاده شده و در راه است.",
  // Paged lists.
  invalid_cursor: "این نشانی جایی در فهرست نیست: از صفحهٔ نخست فهرست آغاز کنید.",
};

/** A refusal no line above names: said so in Persian, with its code after it. */
const PERSIAN_FALLBACK = "درخواست پذیرفته نشد.";

/**
 * A refusal's words in the page's language, with its code after them: a page's own words for its codes
 * first (`pageWords`, the time bank's), then the Persian line above or the use-case's English sentence.
 */
export function refusalWords(
  page: { t: Texts; lang: Language },
  refusal: Refusal,
  pageWords: Readonly<Record<string, TextKey>> = {},
): string {
  const { code } = refusal;
  const key = code === undefined ? undefined : pageWords[code];
  const words =
    key !== undefined
      ? page.t(key)
      : page.lang === "en"
        ? refusal.message
        : (persianRefusal(refusal) ?? (refusal.status < 500 ? PERSIAN_FALLBACK : page.t("errorTitle")));
  return code === undefined ? words : `${words} (${code})`;
}

/** The Persian line for a refusal's code (its field's own first), if there is one. */
export function persianRefusal(refusal: Pick<Refusal, "code" | "field">): string | undefined {
  if (refusal.code === undefined) return undefined;
  const field = refusal.field?.split(/[.[]/).at(-1);
  return PERSIAN_REFUSALS[`${field}:${refusal.code}`] ?? PERSIAN_REFUSALS[refusal.code];
}
