import type { DisbursementReport, DisbursementSummary, JobProgress, JobState } from "../../disbursement";
import { html, type Html } from "../html";
import { count, dateTime, digits, shortHash } from "../i18n/format";
import { rowReason } from "../i18n/rowReasons";
import type { TextKey } from "../i18n/texts";
import type { PageState } from "../pageState";

/** Rows decided (issued or refused) out of all: what the bar fills with. */
const decided = (progress: Pick<JobProgress, "done" | "refused">) => progress.done + progress.refused;

/**
 * A long job's bar: a native `<progress>` (read by screen readers as a percentage), its numbers in words,
 * and `data-job-state` for /app/static/progress.js, which refreshes this block while the job runs.
 */
export function jobProgress(
  page: Pick<PageState, "t" | "lang">,
  id: string,
  state: JobState,
  progress: JobProgress,
  words: { done: TextKey; refused: TextKey } = { done: "rowsDone", refused: "rowsRefused" },
): Html {
  const { t, lang } = page;
  return html`<div class="job" id="${id}" data-job-state="${state}" aria-live="polite">
    <label for="${id}-bar">${t("progress")}: ${t(`jobState_${state}`)}</label>
    <progress id="${id}-bar" max="${Math.max(1, progress.rows)}" value="${decided(progress)}">
      ${count(decided(progress), lang)} ${t("progressOf")} ${count(progress.rows, lang)}
    </progress>
    <p class="hint">
      ${count(decided(progress), lang)} ${t("progressOf")} ${count(progress.rows, lang)} · ${t(words.done)}
      ${count(progress.done, lang)} · ${t(words.refused)} ${count(progress.refused, lang)} ·
      ${t("rowsPending")} ${count(progress.pending, lang)} · ${t("chainWritesPending")}
      ${count(progress.chainWritesPending, lang)}
    </p>
  </div>`;
}

/** The charity's disbursements, newest first, each with its counts and a link to its rows. */
export function disbursementList(
  page: Pick<PageState, "t" | "lang">,
  disbursements: readonly DisbursementSummary[],
): Html {
  const { t, lang } = page;
  if (!disbursements.length) return html`<p>${t("noDisbursements")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("disbursements")}">
    <table>
      <caption>
        ${t("disbursements")}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("when")}</th>
          <th scope="col">${t("programme")}</th>
          <th scope="col">${t("state")}</th>
          <th scope="col">${t("rowsDone")}</th>
          <th scope="col">${t("rowsRefused")}</th>
        </tr>
      </thead>
      <tbody>
        ${disbursements.map((d) => {
          const refused = Object.entries(d.counts)
            .filter(([status]) => status !== "issued" && status !== "queued")
            .reduce((sum, [, n]) => sum + n, 0);
          return html`<tr>
            <td>
              <a href="/app/charity/disbursements/${d.disbursementId}">${dateTime(d.createdAt, lang)}</a>
            </td>
            <td>${digits(d.programmeId, lang)} · ${t(`source_${d.source}`)}</td>
            <td>${t(`jobState_${d.state}`)}</td>
            <td class="num">${count(d.counts.issued, lang)}</td>
            <td class="num">${count(refused, lang)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** One disbursement: its bar, then every row not issued with the reason in the page's language. */
export function disbursementDetail(page: Pick<PageState, "t" | "lang">, report: DisbursementReport): Html {
  const { t, lang } = page;
  const refused = report.rows.filter((row) => row.status !== "issued" && row.status !== "queued");
  return html`<dl class="facts">
      <dt>${t("programme")}</dt>
      <dd>${digits(report.programmeId, lang)}</dd>
      <dt>${t("period")}</dt>
      <dd>${digits(report.period, lang)}</dd>
      <dt>${t("when")}</dt>
      <dd>${dateTime(report.createdAt, lang)} · ${t(`source_${report.source}`)}</dd>
    </dl>
    ${jobProgress(page, "job", report.state, report.progress)}
    <section aria-labelledby="refused-heading" id="refused">
      <h2 id="refused-heading">${t("refusedRows")}</h2>
      ${
        refused.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label="${t("refusedRows")}">
              <table>
                <caption>
                  ${t("refusedRows")} (${count(refused.length, lang)})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t("row")}</th>
                    <th scope="col">${t("status")}</th>
                    <th scope="col">${t("field")}</th>
                    <th scope="col">${t("reason")}</th>
                  </tr>
                </thead>
                <tbody>
                  ${refused.map(
                    (row) =>
                      html`<tr data-row="${row.rowNo}">
                        <th scope="row">${digits(row.rowNo, lang)}</th>
                        <td>${t(`rowStatus_${row.status}`)}</td>
                        <td>${row.field ? html`<code>${row.field}</code>` : "—"}</td>
                        <td>${rowReason(row.code, lang)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p>${t("noRefusedRows")}</p>`
      }
    </section>
    <p><a href="/app/charity">${t("back")}</a></p>`;
}

export const shortRef = (ref: string | null) =>
  ref ? html`<code title="${ref}">${shortHash(ref)}</code>` : "—";
