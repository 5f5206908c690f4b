import type { DeliveriesOverTime } from "../../indexer";
import { html, type Html } from "../html";
import { amount, calendarDay, count, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";
import { barChartSvg } from "./barChart";
import { chartBesideTable } from "./chartBesideTable";

/**
 * A programme's deliveries over time: an SVG bar per day (its length the day's deliveries against the busiest
 * day), beside the table of each day's deliveries and amount and the programme's total, rebuilt from the
 * chain's DeliveryRedeemed events by the indexer. `data-day`, `data-deliveries` and `data-amount` mark the
 * figures for their readers.
 */
export function deliveriesChart(report: DeliveriesOverTime, t: Texts, lang: Language): Html {
  const busiest = Math.max(0, ...report.days.map((day) => day.deliveries));
  const svg = barChartSvg(
    report.days.map((day) => ({
      label: calendarDay(day.day, lang),
      text: count(day.deliveries, lang),
      value: day.deliveries,
    })),
    busiest,
    { id: "deliveries-over-time-title", text: t("deliveriesOverTime") },
    lang,
  );
  const body = report.days.length
    ? chartBesideTable({
        svg,
        id: "deliveries-over-time",
        caption: t("deliveriesOverTimeTable"),
        headings: [t("day"), t("deliveries"), t("amount")],
        rows: report.days.map(
          (day) =>
            html`<tr data-day="${day.day}">
              <th scope="row">${calendarDay(day.day, lang)}</th>
              <td class="num" data-deliveries="${day.deliveries}">${count(day.deliveries, lang)}</td>
              <td class="num" data-amount="${day.amount}">${amount(day.amount, lang)}</td>
            </tr>`,
        ),
        foot: [
          html`<tr data-day="total">
            <th scope="row">${t("total")}</th>
            <td class="num" data-deliveries="${report.total.deliveries}">
              ${count(report.total.deliveries, lang)}
            </td>
            <td class="num" data-amount="${report.total.amount}">${amount(report.total.amount, lang)}</td>
          </tr>`,
        ],
      })
    : html`<p>${t("noRedemptions")}</p>`;
  return html`<section aria-labelledby="deliveries-over-time-heading">
    <h2 id="deliveries-over-time-heading">${t("deliveriesOverTime")}</h2>
    <p class="hint">${t("deliveriesOverTimeHint")}</p>
    ${body}
  </section>`;
}
