/** Persian by default; English on request. */
export const LANGUAGES = ["fa", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

/** Building an `Intl` formatter costs far more than using one (the Persian calendar most): one per language. */
const numberFormats = {
  fa: new Intl.NumberFormat("fa-IR"),
  en: new Intl.NumberFormat("en-US"),
};

/** ASCII digits as the language writes them (hashes and ids stay ASCII: they are copied, not read). */
export function digits(text: string | number, lang: Language): string {
  const value = String(text);
  return lang === "fa" ? value.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]!) : value;
}

/** A token amount in whole units (`"1250000"`, `"12.5"`), grouped by thousands in the language's digits. */
export function amount(value: string, lang: Language): string {
  const [whole = "0", fraction] = value.split(".");
  const negative = whole.startsWith("-");
  const grouped = numberFormats[lang].format(BigInt(negative ? whole.slice(1) : whole));
  const sign = negative ? "−" : "";
  if (fraction === undefined) return sign + grouped;
  return `${sign}${grouped}${lang === "fa" ? "٫" : "."}${digits(fraction, lang)}`;
}

/** A whole number in the language's digits, grouped. */
export function count(value: number, lang: Language): string {
  return numberFormats[lang].format(value);
}

/** The time zone a counter's day and the pages' dates are in. */
export const PAGE_TIME_ZONE = "Asia/Tehran";

const dateTimeFormats = {
  fa: new Intl.DateTimeFormat("fa-IR-u-ca-persian", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: PAGE_TIME_ZONE,
  }),
  en: new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: PAGE_TIME_ZONE }),
};
const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: PAGE_TIME_ZONE });

/** A date and time: Solar Hijri in Persian (`fa-IR-u-ca-persian`), Gregorian in English; Tehran time. */
export function dateTime(iso: string | null, lang: Language): string {
  if (iso === null) return "—";
  return dateTimeFormats[lang].format(new Date(iso));
}

const dayFormats = {
  fa: new Intl.DateTimeFormat("fa-IR-u-ca-persian", { dateStyle: "medium", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }),
};

/** A calendar day given as `YYYY-MM-DD`, written as the language reads it (Solar Hijri in Persian). */
export function calendarDay(day: string, lang: Language): string {
  return dayFormats[lang].format(new Date(`${day}T12:00:00Z`));
}

/** The calendar day of an instant in Tehran, as `YYYY-MM-DD`, to group a counter's deliveries by day. */
export function tehranDay(at: Date): string {
  return dayFormat.format(at);
}

/** `0x1234…cdef`: long hashes shortened for reading; the full value stays in a title and the tables. */
export function shortHash(hash: string): string {
  return hash.length > 14 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}
