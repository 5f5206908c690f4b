import { esc, raw, type Html } from "../html";
import type { Language } from "../i18n/format";

/** One bar: its label and value as the page shows them, and its length's number. */
export interface ChartBar {
  label: string;
  /** The value as written beside the label (grouped, in the language's digits). */
  text: string;
  value: number;
}

const WIDTH = 320;
const ROW = 34;
const BAR = 14;

/**
 * Horizontal bars as an SVG (each bar's length its value's share of `whole`), drawn from the reading side
 * (the right in Persian). Every chart of the pages has its numbers in a table beside it as well; the SVG is
 * an image with a title for screen readers, which read the table.
 */
export function barChartSvg(
  bars: readonly ChartBar[],
  whole: number,
  title: { id: string; text: string },
  lang: Language,
): Html {
  const rtl = lang === "fa";
  const scale = whole > 0 ? whole : 1;
  const rows = bars.map((bar, i) => {
    const length = bar.value > 0 ? Math.max(2, Math.round(Math.min(1, bar.value / scale) * WIDTH)) : 0;
    const y = i * ROW;
    return (
      `<text x="${rtl ? WIDTH : 0}" y="${y + 11}" font-size="11" direction="${rtl ? "rtl" : "ltr"}">` +
      `${esc(bar.label)} · ${esc(bar.text)}</text>` +
      `<rect x="0" y="${y + 15}" width="${WIDTH}" height="${BAR}" class="track"/>` +
      `<rect x="${rtl ? WIDTH - length : 0}" y="${y + 15}" width="${length}" height="${BAR}" class="bar bar-${i % 6}"/>`
    );
  });
  return raw(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${Math.max(1, bars.length) * ROW}" role="img" ` +
      `aria-labelledby="${esc(title.id)}" xmlns="http://www.w3.org/2000/svg">` +
      `<title id="${esc(title.id)}">${esc(title.text)}</title>${rows.join("")}</svg>`,
  );
}

const percentFormats = {
  fa: new Intl.NumberFormat("fa-IR", { style: "percent", maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }),
};

/** A part's share of a whole, one decimal, in the language's digits (0 % of nothing). */
export function percentOf(part: number, whole: number, lang: Language): string {
  return percentFormats[lang].format(whole > 0 ? part / whole : 0);
}
