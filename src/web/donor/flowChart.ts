import type { GiftTimeline } from "../../indexer";
import { shareChart, type MoneyPart } from "../charts/shareChart";
import { html, type Html } from "../html";
import type { Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";

/** The gift split where it went: each vendor paid, refunds, reallocations, and what is still held. */
export function flowParts(timeline: GiftTimeline, t: Texts): MoneyPart[] {
  const parts: MoneyPart[] = timeline.redeemed.vendors.map((vendor) => ({
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
  return html`<section class="flow" aria-labelledby="flow-heading">
    <h2 id="flow-heading">${t("moneyFlow")}</h2>
    ${shareChart(
      {
        id: "flow",
        chartTitle: t("moneyFlow"),
        caption: t("moneyFlowTable"),
        parts: flowParts(timeline, t),
        whole: { label: t("given"), amount: timeline.given.amount },
      },
      t,
      lang,
    )}
  </section>`;
}
