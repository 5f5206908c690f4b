import type { UnderCoverageReport } from "../../coverage";
import { OTHER_REGION } from "../../indexer";
import { barChartSvg, percentOf } from "../charts/barChart";
import { chartBesideTable } from "../charts/chartBesideTable";
import { html, type Html } from "../html";
import { count, dateTime, digits } from "../i18n/format";
import type { PageState } from "../pageState";

/** The periods a report can be read for, and the page that reads them (`?period=`). */
export interface CoveragePeriods {
  path: string;
  first: number;
  current: number;
}

/**
 * The way to another period: the previous and next periods as links, and a GET form choosing any of the
 * programme's periods (newest first), labelled, so the keyboard reaches and uses it as any other form.
 */
export function periodPicker(
  page: Pick<PageState, "t" | "lang">,
  period: number,
  periods: CoveragePeriods,
): Html {
  const { t, lang } = page;
  const { path, first, current } = periods;
  const choices: number[] = [];
  for (let choice = current; choice >= first; choice--) choices.push(choice);
  // A programme of one period so far has nowhere to go: no empty landmark then.
  const links =
    first < current
      ? html`<nav class="pages" aria-label="${t("periods")}" id="period-links">
          ${period > first ? html`<a href="${path}?period=${period - 1}" rel="prev">${t("previousPeriod")}</a>` : ""}
          ${period < current ? html`<a href="${path}?period=${period + 1}" rel="next">${t("nextPeriod")}</a>` : ""}
        </nav>`
      : "";
  return html`${links}
    <form method="get" action="${path}" class="card" id="period-form">
      <label for="period-choice">${t("periodPicker")}</label>
      <select id="period-choice" name="period">
        ${choices.map(
          (choice) =>
            html`<option value="${choice}" ${choice === period ? html` selected` : ""}>
              ${digits(choice, lang)}
            </option>`,
        )}
      </select>
      <button type="submit">${t("showPeriod")}</button>
    </form>`;
}

/** Under-coverage of one programme period: the totals, then households not covered per region as bars and a table. */
export function coverageView(
  page: Pick<PageState, "t" | "lang">,
  report: UnderCoverageReport,
  back: string,
  periods?: CoveragePeriods,
): Html {
  const { t, lang } = page;
  const regionName = (region: string) => (region === OTHER_REGION ? t("regionOther") : digits(region, lang));
  const svg = barChartSvg(
    report.regions.map((region) => ({
      label: regionName(region.region),
      text: `${count(region.uncovered, lang)} / ${count(region.eligible, lang)}`,
      value: region.uncovered,
    })),
    Math.max(1, ...report.regions.map((region) => region.eligible)),
    { id: "coverage-title", text: t("uncoveredChart") },
    lang,
  );
  return html`<p>${t("underCoverageIntro")}</p>
    <dl class="facts" id="coverage-totals">
      <dt>${t("period")}</dt>
      <dd>
        ${digits(report.period, lang)} · ${dateTime(report.periodStartsAt, lang)} –
        ${dateTime(report.periodEndsAt, lang)}
      </dd>
      <dt>${t("enrolled")}</dt>
      <dd class="num">${count(report.enrolled, lang)}</dd>
      <dt>${t("notRegistered")}</dt>
      <dd class="num">${count(report.notRegistered, lang)}</dd>
      <dt>${t("eligible")}</dt>
      <dd class="num" data-coverage="eligible">${count(report.eligible, lang)}</dd>
      <dt>${t("covered")}</dt>
      <dd class="num" data-coverage="covered">${count(report.covered, lang)}</dd>
      <dt>${t("uncovered")}</dt>
      <dd class="num" data-coverage="uncovered">${count(report.uncovered, lang)}</dd>
    </dl>
    ${periods ? periodPicker(page, report.period, periods) : ""}
    <section aria-labelledby="coverage-heading">
      <h2 id="coverage-heading">${t("uncoveredChart")}</h2>
      ${chartBesideTable({
        svg,
        caption: t("uncoveredTable"),
        headings: [t("region"), t("eligible"), t("covered"), t("uncovered"), t("share")],
        rows: report.regions.map(
          (region) =>
            html`<tr>
              <th scope="row">${regionName(region.region)}</th>
              <td class="num">${count(region.eligible, lang)}</td>
              <td class="num">${count(region.covered, lang)}</td>
              <td class="num">${count(region.uncovered, lang)}</td>
              <td class="num">${percentOf(region.uncovered, region.eligible, lang)}</td>
            </tr>`,
        ),
      })}
    </section>
    <p><a href="${back}">${t("back")}</a></p>`;
}
