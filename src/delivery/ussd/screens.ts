import { groupDigits, inScript, itemLabel, LANGUAGE_MENU, TEXTS, type Language } from "./texts";

/**
 * What the USSD menu's screens look like: lines of pending deliveries and receipts, pages that fit one
 * screen with "9 more" and "0 back", digits and dates in the caller's script.
 */

/** A USSD screen holds at most 182 characters, `CON `/`END ` included. */
export const MAX_SCREEN_LENGTH = 182;

export interface PendingLine {
  deliveryId: string;
  vendorName: string;
  programmeName: string;
  item: string;
  quantity: number;
  amount: string;
}

export interface ReceiptLine {
  vendorName: string;
  amount: string;
  acceptedAt: string;
  status: "accepted" | "redeemed" | "refused" | "disputed";
}

export interface Reply {
  /** `CON`: the menu goes on; `END`: the session is over. */
  kind: "CON" | "END";
  text: string;
}

/** The reply in the language's script, cut to the screen's limit as a last resort. */
export function screenOf(language: Language, kind: Reply["kind"], body: string): Reply {
  const text = body.endsWith(LANGUAGE_MENU) ? body : inScript(language, body);
  const room = MAX_SCREEN_LENGTH - kind.length - 1;
  return { kind, text: text.length <= room ? text : `${text.slice(0, room - 1)}…` };
}

/** A name cut to `max` characters, so a long vendor or programme name cannot push a menu off screen. */
function short(name: string, max: number): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

export function deliveryText(language: Language, line: PendingLine): string {
  return TEXTS[language].delivery(
    short(line.vendorName, 30),
    short(line.programmeName, 30),
    itemLabel(language, line.item, line.quantity),
    groupDigits(line.amount),
  );
}

const pendingLine = (line: PendingLine, n: number) =>
  `${n} ${short(line.vendorName, 18)}/${short(line.programmeName, 18)} ${groupDigits(line.amount)}`;
const receiptLine = (language: Language, line: ReceiptLine) =>
  `${dayOf(language, line.acceptedAt)} ${short(line.vendorName, 16)} ${groupDigits(line.amount)} ${TEXTS[language].status[line.status]}`;

const PERSIAN_DAY = new Intl.DateTimeFormat("fa-IR-u-ca-persian-nu-latn", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  timeZone: "Asia/Tehran",
});

/** The day in the caller's calendar: Solar Hijri for Persian (digits follow the script), ISO for English. */
function dayOf(language: Language, at: string): string {
  return language === "fa" ? PERSIAN_DAY.format(new Date(at)) : at.slice(0, 10);
}

export function pendingScreen(language: Language, page: PendingLine[], more: boolean): string {
  const texts = TEXTS[language];
  return [
    texts.pendingTitle,
    ...page.map((line, i) => pendingLine(line, i + 1)),
    ...(more ? [texts.more] : []),
    texts.back,
  ].join("\n");
}

export function receiptScreen(language: Language, page: ReceiptLine[], more: boolean): string {
  const texts = TEXTS[language];
  return [
    texts.receiptsTitle,
    ...page.map((line) => receiptLine(language, line)),
    ...(more ? [texts.more] : []),
    texts.back,
  ].join("\n");
}

/**
 * Splits a list into pages that each fit one screen with its title, "9 more" and "0 back" (a notice
 * line of room kept spare), at most 8 entries a page so every entry has a one-digit choice.
 */
function paginate<T>(lines: T[], fits: (page: T[]) => boolean): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  for (const line of lines) {
    if (page.length > 0 && (page.length === 8 || !fits([...page, line]))) {
      pages.push(page);
      page = [];
    }
    page.push(line);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

const NOTICE_ROOM = 24;
const fitsScreen = (body: string) => body.length + 4 + NOTICE_ROOM <= MAX_SCREEN_LENGTH;

export function pendingPages(language: Language, lines: PendingLine[]): PendingLine[][] {
  return paginate(lines, (page) => fitsScreen(pendingScreen(language, page, true)));
}

export function receiptPages(language: Language, lines: ReceiptLine[]): ReceiptLine[][] {
  return paginate(lines, (page) => fitsScreen(receiptScreen(language, page, true)));
}
