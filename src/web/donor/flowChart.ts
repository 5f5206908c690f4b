import type { GiftTimeline } from "../../indexer";
import { esc, html, raw, type Html } from "../html";
import { amount, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";

export interface FlowPart {
  label: string;
  amount: string;
}

/** The gift split where it went: each vendor paid, refunds, reallocations, and what is still held. */
export function flowParts(timeline: GiftTimeline, t: Texts): FlowPart[] {
  const parts: FlowPart[] = timeline.redeemed.vendors.map((vendor) => ({
    label: `${t("vendor")}: ${vendor.vendorName ?? vendor.vendor}`,
    amount: vendor.amount,
  }));
  parts.push({ label: t("refunded"), amount: timeline.refunded.amount });
  parts.push({ label: t("reallocated"), amount: timeline.reallocated.amount });
  parts.push({ label: t("held"), amount: timeline.held.amount });
  return parts;
}

const WIDTH = 320;
const ROW = 34;
const BAR = 14;

const percentFormats = {
  fa: new Intl.NumberFormat("fa-IR", { style: "percent", maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }),
};

/** A part's share of the gift, one decimal, in the language's digits. */
function percentOf(part: string, whole: string, lang: Language): string {
  return percentFormats[lang].format(Number(whole) > 0 ? Number(part) / Number(whole) : 0);
}

/**
 * The money flow as an SVG bar per part (its length the part's share of the gift), drawn from the
 * reading side (the right in Persian), with the numbers as a table beside it for readers and screen readers.
 */
export function flowChart(timeline: GiftTimeline, t: Texts, lang: Language): Html {
  const parts = flowParts(timeline, t);
  const whole = Number(timeline.given.amount) || 1;
  const rtl = lang === "fa";
  const rows = parts.map((part, i) => {
    const value = Number(part.amount);
    const length = value > 0 ? Math.max(2, Math.round((value / whole) * WIDTH)) : 0;
    const y = i * ROW;
    return (
      `<text x="${rtl ? WIDTH : 0}" y="${y + 11}" font-size="11" direction="${rtl ? "rtl" : "ltr"}">` +
      `${esc(part.label)} · ${esc(amount(part.amount, lang))}</text>` +
      `<rect x="0" y="${y + 15}" width="${WIDTH}" height="${BAR}" class="track"/>` +
      `<rect x="${rtl ? WIDTH - length : 0}" y="${y + 15}" width="${length}" height="${BAR}" class="bar bar-${i % 6}"/>`
    );
  });
  const svg = raw(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${parts.length * ROW}" role="img" aria-labelledby="flow-title" ` +
      `xmlns="http://www.w3.org/2000/svg"><title id="flow-title">${esc(t("moneyFlow"))}</title>${rows.join("")}</svg>`,
  );
  return html`<section class="flow" aria-labelledby="flow-heading">
    <h2 id="flow-heading">${t("moneyFlow")}</h2>
    <div class="flow-grid">
      <figure>${svg}</figure>
      <div class="scroll">
        <table>
          <caption>
            ${t("moneyFlowTable")}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t("part")}</th>
              <th scope="col">${t("amount")}</th>
              <th scope="col">${t("share")}</th>
            </tr>
          </thead>
          <tbody>
            ${parts.map(
              (part) =>
                html`<tr>
                  <th scope="row">${part.label}</th>
                  <td class="num">${amount(part.amount, lang)}</td>
                  <td class="num">${percentOf(part.amount, timeline.given.amount, lang)}</td>
                </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">${t("given")}</th>
              <td class="num">${amount(timeline.given.amount, lang)}</td>
              <td class="num">${percentOf("1", "1", lang)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  </section>`;
}
