import { html, type Html } from "../html";
import { amount, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";
import { barChartSvg, percentOf } from "./barChart";
import { chartBesideTable } from "./chartBesideTable";

/** A part of a sum of money, in whole units of the settlement token. */
export interface MoneyPart {
  label: string;
  amount: string;
}

export interface ShareChartOptions {
  /** The table's id; the SVG's title is `${id}-title`. */
  id: string;
  chartTitle: string;
  caption: string;
  parts: readonly MoneyPart[];
  /** The whole the parts are shares of (the first footer row). */
  whole: MoneyPart;
  /** More footer rows after the whole (each a share of it too). */
  notes?: readonly (MoneyPart & { key?: string })[];
}

/**
 * Money split into parts: an SVG bar per part (its length the part's share of the whole) and the same
 * figures in a table beside it, with each share, the whole in the footer and any further notes under it.
 * `data-money` marks the whole's (`whole`) and each note's cell (its `key`), for readers of the page's figures.
 */
export function shareChart(options: ShareChartOptions, t: Texts, lang: Language): Html {
  const whole = Number(options.whole.amount);
  const svg = barChartSvg(
    options.parts.map((part) => ({
      label: part.label,
      text: amount(part.amount, lang),
      value: Number(part.amount),
    })),
    whole,
    { id: `${options.id}-title`, text: options.chartTitle },
    lang,
  );
  const row = (part: MoneyPart, key?: string) =>
    html`<tr>
      <th scope="row">${part.label}</th>
      <td class="num" ${key ? html`data-money="${key}"` : ""}>${amount(part.amount, lang)}</td>
      <td class="num">${percentOf(Number(part.amount), whole, lang)}</td>
    </tr>`;
  return chartBesideTable({
    svg,
    id: options.id,
    caption: options.caption,
    headings: [t("part"), t("amount"), t("share")],
    rows: options.parts.map((part) => row(part)),
    foot: [row(options.whole, "whole"), ...(options.notes ?? []).map((note) => row(note, note.key))],
  });
}
