import type { DISPUTE_REASONS } from "../disputeDelivery";

export type Language = "fa" | "en";
type Reason = (typeof DISPUTE_REASONS)[number];

/** Everything the menu says, in both languages. Short on purpose: a screen holds 182 characters. */
export interface Texts {
  chooseLanguage: string;
  main: string;
  noPending: string;
  pendingTitle: string;
  noReceipts: string;
  receiptsTitle: string;
  more: string;
  back: string;
  delivery(vendor: string, programme: string, item: string, amount: string): string;
  acceptOrDispute: string;
  enterPin: string;
  wrongPin(left: number): string;
  pinFormat: string;
  locked: string;
  accepted: string;
  disputed: string;
  notOpen: string;
  failed: string;
  chooseReason: string;
  reasons: Record<Reason, string>;
  status: Record<"accepted" | "redeemed" | "refused" | "disputed", string>;
  invalid: string;
  unknownCaller: string;
  sessionOver: string;
}

/** Shown before a language is known: both names, ASCII digits (every keypad has them; Persian ones work too). */
export const LANGUAGE_MENU = "کمک سین‌تک / Sin Tech aid\n1 فارسی\n2 English";

export const TEXTS: Record<Language, Texts> = {
  en: {
    chooseLanguage: LANGUAGE_MENU,
    main: "Sin Tech aid\n1 Pending deliveries\n2 Last receipts\n3 Language",
    noPending: "No deliveries are waiting for you.\n0 Back",
    pendingTitle: "Pending deliveries",
    noReceipts: "No receipts yet.\n0 Back",
    receiptsTitle: "Last receipts",
    more: "9 More",
    back: "0 Back",
    delivery: (vendor, programme, item, amount) => `${vendor}\n${programme}\n${item}\nAmount ${amount}`,
    acceptOrDispute: "1 Accept\n2 Dispute\n0 Back",
    enterPin: "Enter your PIN\n0 Back",
    wrongPin: (left) => `Wrong PIN. ${left} ${left === 1 ? "try" : "tries"} left.\nEnter your PIN\n0 Back`,
    pinFormat: "A PIN is 4 to 8 digits.\nEnter your PIN\n0 Back",
    locked: "Too many wrong PINs. Try again in 15 minutes.",
    accepted: "Thank you. The delivery is accepted and recorded in your household file.",
    disputed: "Your dispute is recorded. The charity and auditors will see it.",
    notOpen: "This delivery can no longer be accepted or disputed.",
    failed: "Sorry, this could not be done now. Please ask the vendor or try again later.",
    chooseReason: "Why?\n1 Not received\n2 Wrong amount\n3 Wrong item\n4 Poor quality\n0 Back",
    reasons: {
      not_received: "Not received",
      wrong_amount: "Wrong amount",
      wrong_item: "Wrong item",
      poor_quality: "Poor quality",
    },
    status: { accepted: "accepted", redeemed: "paid", refused: "refused", disputed: "disputed" },
    invalid: "Invalid choice.",
    unknownCaller: "Sorry, this service is not available for this number. Please contact your charity.",
    sessionOver: "This session is over. Dial again to start.",
  },
  fa: {
    chooseLanguage: LANGUAGE_MENU,
    main: "کمک سین‌تک\n1 تحویل‌های در انتظار\n2 رسیدهای اخیر\n3 زبان",
    noPending: "تحویلی در انتظار شما نیست.\n0 بازگشت",
    pendingTitle: "تحویل‌های در انتظار",
    noReceipts: "هنوز رسیدی نیست.\n0 بازگشت",
    receiptsTitle: "رسیدهای اخیر",
    more: "9 بیشتر",
    back: "0 بازگشت",
    delivery: (vendor, programme, item, amount) => `${vendor}\n${programme}\n${item}\nمبلغ ${amount}`,
    acceptOrDispute: "1 تأیید\n2 اعتراض\n0 بازگشت",
    enterPin: "رمز خود را وارد کنید\n0 بازگشت",
    wrongPin: (left) => `رمز نادرست است. ${left} بار دیگر.\nرمز خود را وارد کنید\n0 بازگشت`,
    pinFormat: "رمز ۴ تا ۸ رقم است.\nرمز خود را وارد کنید\n0 بازگشت",
    locked: "رمز بیش از حد نادرست وارد شد. ۱۵ دقیقه دیگر دوباره بکوشید.",
    accepted: "سپاس. تحویل تأیید شد و در پرونده خانوار ثبت شد.",
    disputed: "اعتراض شما ثبت شد. خیریه و حسابرسان آن را می‌بینند.",
    notOpen: "این تحویل دیگر قابل تأیید یا اعتراض نیست.",
    failed: "متأسفیم، اکنون انجام نشد. از فروشنده بپرسید یا بعداً بکوشید.",
    chooseReason: "چرا؟\n1 دریافت نشد\n2 مبلغ نادرست\n3 کالای نادرست\n4 کیفیت بد\n0 بازگشت",
    reasons: {
      not_received: "دریافت نشد",
      wrong_amount: "مبلغ نادرست",
      wrong_item: "کالای نادرست",
      poor_quality: "کیفیت بد",
    },
    status: { accepted: "تأیید", redeemed: "پرداخت", refused: "رد", disputed: "اعتراض" },
    invalid: "گزینه نامعتبر.",
    unknownCaller: "متأسفیم، این خدمت برای این شماره در دسترس نیست. با خیریه خود تماس بگیرید.",
    sessionOver: "این نشست تمام شد. برای شروع دوباره شماره‌گیری کنید.",
  },
};

/** What was delivered, in words a person reads on a small screen. */
export const ITEM_LABELS: Record<Language, Record<string, string>> = {
  en: {},
  fa: {
    "food-basket": "سبد غذا",
    bread: "نان",
    flour: "آرد",
    rice: "برنج",
    "cooking-oil": "روغن",
    dairy: "لبنیات",
    "infant-formula": "شیر خشک",
    "hygiene-kit": "بسته بهداشتی",
    medicine: "دارو",
    "medical-visit": "ویزیت پزشک",
    clothing: "پوشاک",
    blanket: "پتو",
    "heating-fuel": "سوخت",
    "school-supplies": "لوازم مدرسه",
    "housing-repair": "تعمیر خانه",
    tools: "ابزار",
    "service-visit": "خدمت",
    other: "دیگر",
    "insurance-premium": "حق بیمه",
  },
};

export function itemLabel(language: Language, item: string, quantity: number): string {
  const label = ITEM_LABELS[language][item] ?? item.replace(/-/g, " ");
  return quantity > 1 ? `${label} x${quantity}` : label;
}

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/** The screen in the chosen script: Persian digits (and separators) for `fa`, as typed for `en`. */
export function inScript(language: Language, text: string): string {
  if (language === "en") return text;
  return text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[Number(digit)]!).replace(/,/g, "٬");
}

/** Whole units grouped by thousands: 1,250,000. */
export function groupDigits(amount: string): string {
  const [whole, fraction] = amount.split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
