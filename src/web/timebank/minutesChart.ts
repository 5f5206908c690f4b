import { barChartSvg } from "../charts/barChart";
import { chartBesideTable } from "../charts/chartBesideTable";
import { html, type Html } from "../html";
import { count, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";

/** One figure of a time-bank account, in minutes; `key` marks its cell (`data-minutes`) for readers of the page. */
export interface MinutesFigure {
  label: string;
  minutes: number;
  key: string;
}

export interface MinutesChartOptions {
  /** The table's id; the SVG's title is `${id}-title`. */
  id: string;
  chartTitle: string;
  caption: string;
  /** Drawn as bars (lengths against the largest) and listed in the table's body. */
  bars: readonly MinutesFigure[];
  /** What the bars add up to (a balance), in the table's footer only: it may be below zero. */
  totals: readonly MinutesFigure[];
}

/**
 * Minutes as bars (the barChart of the money pages, drawn from the reading side) with the same figures in a
 * table beside it, and the balance they make in its footer: the chart is an image with a title, the table is
 * what a screen reader reads.
 */
export function minutesChart(options: MinutesChartOptions, t: Texts, lang: Language): Html {
  const longest = Math.max(0, ...options.bars.map((bar) => bar.minutes));
  const svg = barChartSvg(
    options.bars.map((bar) => ({ label: bar.label, text: count(bar.minutes, lang), value: bar.minutes })),
    longest,
    { id: `${options.id}-title`, text: options.chartTitle },
    lang,
  );
  const row = (figure: MinutesFigure) =>
    html`<tr>
      <th scope="row">${figure.label}</th>
      <td class="num" data-minutes="${figure.key}">${count(figure.minutes, lang)}</td>
    </tr>`;
  return chartBesideTable({
    svg,
    id: options.id,
    caption: options.caption,
    headings: [t("part"), t("tbMinutes")],
    rows: options.bars.map(row),
    foot: options.totals.map(row),
  });
}
