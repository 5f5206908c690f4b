import type { GiftTimeline } from "../../indexer";
import { barChartSvg, percentOf } from "../charts/barChart";
import { html, type Html } from "../html";
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

/**
 * The money flow as an SVG bar per part (its length the part's share of the gift), drawn from the
 * reading side (the right in Persian), with the numbers as a table beside it for readers and screen readers.
 */
export function flowChart(timeline: GiftTimeline, t: Texts, lang: Language): Html {
  const parts = flowParts(timeline, t);
  const svg = barChartSvg(
    parts.map((part) => ({ label: part.label, text: amount(part.amount, lang), value: Number(part.amount) })),
    Number(timeline.given.amount),
    { id: "flow-title", text: t("moneyFlow") },
    lang,
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
                  <td class="num">${percentOf(Number(part.amount), Number(timeline.given.amount), lang)}</td>
                </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">${t("given")}</th>
              <td class="num">${amount(timeline.given.amount, lang)}</td>
              <td class="num">${percentOf(1, 1, lang)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  </section>`;
}
