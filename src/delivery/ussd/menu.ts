import { toAsciiDigits } from "../../identity";
import { DISPUTE_REASONS } from "../disputeDelivery";
import {
  deliveryText,
  pendingPages,
  pendingScreen,
  receiptPages,
  receiptScreen,
  screenOf,
  type PendingLine,
  type ReceiptLine,
  type Reply,
} from "./screens";
import { TEXTS, type Language } from "./texts";

export { MAX_SCREEN_LENGTH } from "./screens";
export type { PendingLine, ReceiptLine, Reply } from "./screens";

type Reason = (typeof DISPUTE_REASONS)[number];

/** Where the caller is in the menu; stored as JSON between requests. */
export type Screen =
  | { menu: "language" }
  | { menu: "main" }
  | { menu: "pending"; page: number }
  | { menu: "delivery"; deliveryId: string; page: number }
  | { menu: "acceptPin"; deliveryId: string; page: number }
  | { menu: "disputeReason"; deliveryId: string; page: number }
  | { menu: "disputePin"; deliveryId: string; page: number; reason: Reason }
  | { menu: "receipts"; page: number };

export interface MenuState {
  language: Language | null;
  screen: Screen;
}

/** What a PIN-checked action came to, in terms the menu can say. */
export type ActionOutcome =
  | { ok: true }
  | { ok: false; problem: "pin_incorrect"; attemptsLeft: number }
  | { ok: false; problem: "pin_format" | "locked" | "not_open" | "failed" };

/** The household's side of the menu: the delivery room's use-cases, bound to the caller. */
export interface MenuCalls {
  pending(): Promise<PendingLine[]>;
  receipts(): Promise<ReceiptLine[]>;
  accept(deliveryId: string, pin: string): Promise<ActionOutcome>;
  dispute(deliveryId: string, reason: Reason, pin: string): Promise<ActionOutcome>;
  rememberLanguage(language: Language): void;
}

export interface Step {
  state: MenuState;
  reply: Reply;
}

/** Where a session starts: the language menu unless the caller's language is known. */
export function startState(language: Language | null): MenuState {
  return { language, screen: language === null ? { menu: "language" } : { menu: "main" } };
}

/**
 * One input typed by the caller moves the menu from `state` to the next screen, calling the delivery
 * room where the input asks for it (a list, an acceptance, a dispute). `0` goes back, `00` to the main
 * menu; Persian and Arabic-Indic digits count as digits. Pure but for `calls`.
 */
export async function advance(state: MenuState, rawInput: string, calls: MenuCalls): Promise<Step> {
  const input = toAsciiDigits(rawInput).trim();
  const { screen } = state;
  const language = state.language ?? "fa";
  const go = (next: Screen, notice?: string) =>
    show({ language: state.language, screen: next }, calls, notice);

  if (screen.menu === "language") {
    const chosen = input === "1" ? "fa" : input === "2" ? "en" : null;
    if (chosen === null) return show(state, calls, TEXTS[language].invalid);
    calls.rememberLanguage(chosen);
    return show({ language: chosen, screen: { menu: "main" } }, calls);
  }
  if (input === "00") return go({ menu: "main" });
  if (input === "0") return go(parentOf(screen));

  switch (screen.menu) {
    case "main":
      if (input === "1") return go({ menu: "pending", page: 0 });
      if (input === "2") return go({ menu: "receipts", page: 0 });
      if (input === "3") return show({ language: state.language, screen: { menu: "language" } }, calls);
      return go(screen, TEXTS[language].invalid);
    case "pending": {
      const pages = pendingPages(language, await calls.pending());
      const page = pages[screen.page] ?? [];
      if (input === "9" && screen.page + 1 < pages.length)
        return go({ menu: "pending", page: screen.page + 1 });
      const chosen = page[Number(input) - 1];
      if (!/^[1-8]$/.test(input) || chosen === undefined) return go(screen, TEXTS[language].invalid);
      return go({ menu: "delivery", deliveryId: chosen.deliveryId, page: screen.page });
    }
    case "delivery":
      if (input === "1") return go({ ...screen, menu: "acceptPin" });
      if (input === "2") return go({ ...screen, menu: "disputeReason" });
      return go(screen, TEXTS[language].invalid);
    case "disputeReason": {
      const reason = /^[1-4]$/.test(input) ? DISPUTE_REASONS[Number(input) - 1] : undefined;
      if (reason === undefined) return go(screen, TEXTS[language].invalid);
      return go({ ...screen, menu: "disputePin", reason });
    }
    case "acceptPin":
    case "disputePin": {
      const outcome =
        screen.menu === "acceptPin"
          ? await calls.accept(screen.deliveryId, input)
          : await calls.dispute(screen.deliveryId, screen.reason, input);
      const texts = TEXTS[language];
      if (outcome.ok) return end(state, screen.menu === "acceptPin" ? texts.accepted : texts.disputed);
      if (outcome.problem === "pin_incorrect")
        return { state, reply: screenOf(language, "CON", texts.wrongPin(outcome.attemptsLeft)) };
      if (outcome.problem === "pin_format")
        return { state, reply: screenOf(language, "CON", texts.pinFormat) };
      return end(
        state,
        texts[
          outcome.problem === "locked" ? "locked" : outcome.problem === "not_open" ? "notOpen" : "failed"
        ],
      );
    }
    case "receipts": {
      const pages = receiptPages(language, await calls.receipts());
      if (input === "9" && screen.page + 1 < pages.length)
        return go({ menu: "receipts", page: screen.page + 1 });
      return go(screen, TEXTS[language].invalid);
    }
  }
}

/** The screen `state` shows, with an optional notice above it (an invalid choice). */
export async function show(state: MenuState, calls: MenuCalls, notice?: string): Promise<Step> {
  const language = state.language ?? "fa";
  const texts = TEXTS[language];
  const con = (body: string) => ({
    state,
    reply: screenOf(language, "CON", notice === undefined ? body : `${notice}\n${body}`),
  });
  const { screen } = state;
  switch (screen.menu) {
    case "language":
      return con(texts.chooseLanguage);
    case "main":
      return con(texts.main);
    case "pending": {
      const lines = await calls.pending();
      if (lines.length === 0) return con(texts.noPending);
      const pages = pendingPages(language, lines);
      const index = Math.min(screen.page, pages.length - 1);
      const page = pages[index]!;
      return {
        ...(await con(pendingScreen(language, page, index + 1 < pages.length))),
        state: { ...state, screen: { menu: "pending", page: index } },
      };
    }
    case "delivery":
    case "acceptPin":
    case "disputeReason":
    case "disputePin": {
      const line = (await calls.pending()).find((candidate) => candidate.deliveryId === screen.deliveryId);
      if (line === undefined) return end(state, texts.notOpen);
      if (screen.menu === "acceptPin" || screen.menu === "disputePin") return con(texts.enterPin);
      if (screen.menu === "disputeReason") return con(texts.chooseReason);
      return con(`${deliveryText(language, line)}\n${texts.acceptOrDispute}`);
    }
    case "receipts": {
      const lines = await calls.receipts();
      if (lines.length === 0) return con(texts.noReceipts);
      const pages = receiptPages(language, lines);
      const index = Math.min(screen.page, pages.length - 1);
      return {
        ...(await con(receiptScreen(language, pages[index]!, index + 1 < pages.length))),
        state: { ...state, screen: { menu: "receipts", page: index } },
      };
    }
  }
}

function parentOf(screen: Screen): Screen {
  switch (screen.menu) {
    case "pending":
    case "receipts":
      return screen.page > 0 ? { ...screen, page: screen.page - 1 } : { menu: "main" };
    case "delivery":
      return { menu: "pending", page: screen.page };
    case "acceptPin":
    case "disputeReason":
      return { ...screen, menu: "delivery" };
    case "disputePin":
      return { menu: "disputeReason", deliveryId: screen.deliveryId, page: screen.page };
    default:
      return { menu: "main" };
  }
}

function end(state: MenuState, text: string): Step {
  return { state, reply: screenOf(state.language ?? "fa", "END", text) };
}
