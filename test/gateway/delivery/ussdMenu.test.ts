import { expect } from "chai";
import {
  advance,
  MAX_SCREEN_LENGTH,
  show,
  startState,
  type MenuCalls,
  type MenuState,
  type PendingLine,
  type ReceiptLine,
} from "../../../src/delivery/ussd/menu";

/** Names as long as organisations register them, in Persian and English. */
const LONG_FA = "شرکت تعاونی مصرف کارکنان فروشگاه‌های زنجیره‌ای شهرستان";
const LONG_EN = "Cooperative Consumer Store of the Provincial Employees Association";

function pendingLines(count: number): PendingLine[] {
  return Array.from({ length: count }, (_, i) => ({
    deliveryId: `dlv_${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`,
    vendorName: i % 2 === 0 ? LONG_FA : LONG_EN,
    programmeName: i % 2 === 0 ? LONG_EN : LONG_FA,
    item: "school-supplies",
    quantity: 12,
    amount: `${987_654_321_000 + i}.5`,
  }));
}

function receiptLines(count: number): ReceiptLine[] {
  return Array.from({ length: count }, (_, i) => ({
    vendorName: i % 2 === 0 ? LONG_FA : LONG_EN,
    amount: `${123_456_789_000 + i}`,
    acceptedAt: new Date(Date.UTC(2026, 11, 1 + (i % 28))).toISOString(),
    status: (["accepted", "redeemed", "refused", "disputed"] as const)[i % 4],
  }));
}

/** The household's side, as plain data: the menu is a function of (state, input) and these answers. */
function calls(pending: PendingLine[], receipts: ReceiptLine[], chosen: string[] = []): MenuCalls {
  return {
    pending: async () => pending,
    receipts: async () => receipts,
    accept: async (deliveryId) => {
      chosen.push(deliveryId);
      return { ok: true };
    },
    dispute: async () => ({ ok: false, problem: "pin_incorrect", attemptsLeft: 3 }),
    rememberLanguage: () => undefined,
  };
}

describe("USSD menu (pure state machine)", () => {
  for (const language of ["fa", "en"] as const) {
    it(`keeps every screen within ${MAX_SCREEN_LENGTH} characters with long names and amounts (${language})`, async () => {
      const port = calls(pendingLines(11), receiptLines(20));
      const seen = new Set<string>();
      const walk = async (state: MenuState, inputs: string[]) => {
        let current = state;
        for (const input of inputs) {
          const step = await advance(current, input, port);
          const screen = `${step.reply.kind} ${step.reply.text}`;
          expect(screen.length, screen).to.be.at.most(MAX_SCREEN_LENGTH);
          expect(screen, "no screen is cut short").to.not.match(/…$/);
          seen.add(screen);
          current = step.state;
        }
        return current;
      };
      const main = startState(language);
      await walk(main, ["1", "9", "9", "9", "9", "9", "0", "1", "1", "0", "2", "3", "0", "00"]);
      await walk(main, ["2", "9", "9", "9", "9", "9", "9", "0", "00", "7", "3", "1"]);
      await walk(main, ["1", "2", "2", "4", "1234"]);
      expect(seen.size).to.be.above(12);
    });

    it(`reaches every pending delivery through "9 more" and picks the one chosen (${language})`, async () => {
      const lines = pendingLines(11);
      const chosen: string[] = [];
      const port = calls(lines, [], chosen);
      const listed = new Set<string>();
      let lastOffset = 0;
      let state: MenuState = (await advance(startState(language), "1", port)).state;
      for (let page = 0; page < 11; page++) {
        const { reply } = await show(state, port);
        const entries = reply.text.split("\n").filter((line) => /^[1-8۱-۸] /.test(line));
        expect(entries.length).to.be.within(1, 8);
        const offset = listed.size;
        lastOffset = offset;
        entries.forEach((_, i) => listed.add(lines[offset + i]!.deliveryId));
        if (!/^[9۹] /m.test(reply.text)) break;
        state = (await advance(state, "9", port)).state;
      }
      expect(listed.size).to.equal(lines.length);
      // On the last page, the first entry is the delivery after everything listed before it.
      const pick = await advance(state, language === "fa" ? "۱" : "1", port);
      const accept = await advance(pick.state, "1", port);
      const done = await advance(accept.state, "۵۸۲۹۱۴", port);
      expect(done.reply.kind).to.equal("END");
      expect(chosen).to.deep.equal([lines[lastOffset]!.deliveryId]);
    });
  }

  it("shows Persian digits in Persian, keeps the language menu readable to both, and refuses unknown choices", async () => {
    const port = calls(pendingLines(1), []);
    const first = await show(startState(null), port);
    expect(first.reply.text).to.include("1 فارسی").and.include("2 English");
    const invalid = await advance(startState(null), "5", port);
    expect(invalid.state.screen.menu).to.equal("language");
    const fa = await advance(startState(null), "۱", port);
    expect(fa.state.language).to.equal("fa");
    const list = await advance(fa.state, "1", port);
    expect(list.reply.text).to.include("۹۸۷٬۶۵۴٬۳۲۱٬۰۰۰.۵").and.not.match(/[0-9]/);
    const wrongPin = await advance(
      { language: "en", screen: { menu: "disputePin", deliveryId: "d", page: 0, reason: "not_received" } },
      "1111",
      port,
    );
    expect(wrongPin.reply).to.deep.equal({
      kind: "CON",
      text: "Wrong PIN. 3 tries left.\nEnter your PIN\n0 Back",
    });
    expect(wrongPin.state.screen.menu, "the PIN is asked again").to.equal("disputePin");
  });
});
