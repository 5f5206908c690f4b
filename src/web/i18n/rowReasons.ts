import { rowMessage } from "../../disbursement";
import type { Language } from "./format";

/**
 * Why a disbursement row was not issued, in Persian; English is the disbursement room's own wording
 * (`ROW_MESSAGES`, which a test checks this list covers). An unknown code reads as the chain's refusal.
 */
export const PERSIAN_ROW_MESSAGES: Record<string, string> = {
  format: "کد ملی ۱۰ رقم نیست.",
  length: "کد ملی ۱۰ رقم نیست.",
  checksum: "رقم کنترل کد ملی نادرست است.",
  repeated_digits: "این کد ملی واقعی نیست.",
  required: "مقداری که لازم است خالی است.",
  not_enrolled: "کسی با این کد ملی ثبت‌نام نشده است.",
  not_registered: "خانوار ثبت‌نام شده اما هنوز روی زنجیره ثبت نشده؛ پس از ثبت دوباره بفرستید.",
  duplicate_in_file: "این خانوار پیش‌تر در همین فایل آمده است.",
  amount: "مبلغ باید عددی مثبت باشد.",
  above_cap: "مبلغ از سقف هر خانوار در هر دورهٔ برنامه بیشتر است.",
  HouseholdAlreadyCovered:
    "خانوار در این دوره همین نوع کمک را از این خیریه یا خیریهٔ دیگری گرفته است (نگهبان هم‌پوشانی).",
  BeneficiaryIneligible: "گیرندهٔ خانوار تعلیق شده، درگذشته یا روی زنجیره ثبت نشده است.",
  BudgetInsufficient: "بودجهٔ آزاد برنامه برای این دسته کافی نیست؛ کمک بیفزایید و دوباره بفرستید.",
  ProgrammeIsPaused: "برنامه متوقف است.",
  ProgrammeHasEnded: "برنامه پایان یافته است.",
  ProgrammeNotStarted: "برنامه هنوز آغاز نشده است.",
  CharityUnlicensed: "مجوز خیریه این برنامه را در بر نمی‌گیرد.",
};
const PERSIAN_FALLBACK = "زنجیره این ردیف را نپذیرفت.";

/** Why the row was not issued, in the page's language. */
export function rowReason(code: string | null, lang: Language): string {
  if (code === null) return "";
  if (lang === "en") return rowMessage(code) ?? "";
  return PERSIAN_ROW_MESSAGES[code] ?? PERSIAN_FALLBACK;
}
