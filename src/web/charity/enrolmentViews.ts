import type { ListedRegistrationRun, RegistrationRun } from "../../disbursement";
import type { ImportDetail, ImportRowNotEnrolled, ImportSummary } from "../../households";
import { html, type Html } from "../html";
import { count, dateTime, digits, shortHash } from "../i18n/format";
import { TEXT_KEYS, type TextKey } from "../i18n/texts";
import type { PageState } from "../pageState";
import { scrollTable } from "../tables";
import { jobProgress } from "./disbursementViews";
import { reviewForm } from "./charityViews";

/** Rows held for a person's review: the duplicates themselves and their households' other rows. */
const heldOf = (summary: ImportSummary) => summary.counts.duplicate + summary.counts.held;

const importState = (page: Pick<PageState, "t">, summary: ImportSummary) =>
  page.t(`importState_${summary.status}`);

/** The charity's imports, newest first: when, state, and the rows read, enrolled, held and refused. */
export function importList(page: Pick<PageState, "t" | "lang">, imports: readonly ImportSummary[]): Html {
  const { t, lang } = page;
  if (!imports.length) return html`<p>${t("noImports")}</p>`;
  return scrollTable({
    id: "imports",
    caption: t("imports"),
    headings: [
      t("when"),
      t("state"),
      t("rowsRead"),
      t("rowsEnrolled"),
      t("rowsHeld"),
      t("rowsRefusedImport"),
    ],
    rows: imports.map(
      (summary) =>
        html`<tr data-import="${summary.importId}">
          <td>
            <a href="/app/charity/imports/${summary.importId}">${dateTime(summary.createdAt, lang)}</a>
          </td>
          <td data-status="${summary.status}">${importState(page, summary)}</td>
          <td class="num" data-count="rows">${count(summary.counts.rows, lang)}</td>
          <td class="num" data-count="enrolled">${count(summary.counts.enrolled, lang)}</td>
          <td class="num" data-count="held">${count(heldOf(summary), lang)}</td>
          <td class="num" data-count="refused">${count(summary.counts.invalid, lang)}</td>
        </tr>`,
    ),
  });
}

/**
 * An import's bar: the rows recorded out of the rows its file holds, in the same block as a disbursement's
 * (`#job`, `data-job-state`), so /app/static/progress.js follows it in place while it runs.
 */
function importProgress(page: Pick<PageState, "t" | "lang">, summary: ImportSummary): Html {
  const { t, lang } = page;
  const state = summary.status === "running" ? "running" : "done";
  const total = Math.max(summary.rowsExpected ?? summary.counts.rows, summary.counts.rows);
  return html`<div class="job" id="job" data-job-state="${state}" aria-live="polite">
    <label for="job-bar">${t("progress")}: ${importState(page, summary)}</label>
    <progress id="job-bar" max="${Math.max(1, total)}" value="${summary.counts.rows}">
      ${count(summary.counts.rows, lang)} ${t("progressOf")} ${count(total, lang)}
    </progress>
    <dl class="facts" id="import-counts">
      <dt>${t("rowsInFile")}</dt>
      <dd class="num" data-count="expected">${count(total, lang)}</dd>
      <dt>${t("rowsRead")}</dt>
      <dd class="num" data-count="rows">${count(summary.counts.rows, lang)}</dd>
      <dt>${t("rowsEnrolled")}</dt>
      <dd class="num" data-count="enrolled">${count(summary.counts.enrolled, lang)}</dd>
      <dt>${t("householdsEnrolled")}</dt>
      <dd class="num" data-count="households">${count(summary.counts.householdsEnrolled, lang)}</dd>
      <dt>${t("rowsAlreadyEnrolled")}</dt>
      <dd class="num" data-count="alreadyEnrolled">${count(summary.counts.alreadyEnrolled, lang)}</dd>
      <dt>${t("rowsHeld")}</dt>
      <dd class="num" data-count="held">${count(heldOf(summary), lang)}</dd>
      <dt>${t("rowsRefusedImport")}</dt>
      <dd class="num" data-count="refused">${count(summary.counts.invalid, lang)}</dd>
    </dl>
  </div>`;
}

/** Why an import did not enrol a row, in the page's language: its column and a sentence for its code. */
export function importReason(
  page: Pick<PageState, "t">,
  row: Pick<ImportRowNotEnrolled, "status" | "errorCode">,
): string {
  const code = row.status === "already_enrolled" ? "already_enrolled" : (row.errorCode ?? "other");
  const key = `importReason_${code}`;
  return page.t((TEXT_KEYS as readonly string[]).includes(key) ? (key as TextKey) : "importReason_other");
}

function reviewCell(page: PageState, importId: string, row: ImportRowNotEnrolled): Html | string {
  const { review } = row;
  if (!review) return "—";
  if (review.status === "open")
    return html`<span class="hint">${page.t("reviewOpen")}</span>
      ${reviewForm(page, { ...review, importId }, true)}`;
  return page.t(review.resolution === "merge" ? "reviewMerged" : "reviewRejected");
}

/**
 * One import: its bar and counts, then a page of the rows it did not enrol (refused with the reason, held,
 * already enrolled), each duplicate with its review's buttons (the review list's own form).
 */
export function importDetail(page: PageState, detail: ImportDetail, pages: Html): Html {
  const { t, lang } = page;
  return html`<dl class="facts">
      <dt>${t("when")}</dt>
      <dd>${dateTime(detail.createdAt, lang)}</dd>
      <dt>${t("import")}</dt>
      <dd><code title="${detail.importId}">${shortHash(detail.importId)}</code></dd>
    </dl>
    ${importProgress(page, detail)}
    ${
      detail.status === "failed"
        ? html`<p class="error" id="import-failed">
            ${t("importFailed")} <code>${detail.errorCode ?? ""}</code>
          </p>`
        : ""
    }
    <section aria-labelledby="refused-heading" id="refused">
      <h2 id="refused-heading">${t("importRows")}</h2>
      <p class="hint">${t("importRowsIntro")}</p>
      ${
        detail.rows.length
          ? scrollTable({
              caption: t("importRows"),
              headings: [t("row"), t("status"), t("field"), t("reason"), t("reviewDecision")],
              rows: detail.rows.map(
                (row) =>
                  html`<tr data-row="${row.rowNo}" data-status="${row.status}">
                    <th scope="row">${digits(row.rowNo, lang)}</th>
                    <td>${t(`importRowStatus_${row.status}` as TextKey)}</td>
                    <td>${row.errorField ? html`<code>${row.errorField}</code>` : "—"}</td>
                    <td data-reason>${importReason(page, row)}</td>
                    <td>${reviewCell(page, detail.importId, row)}</td>
                  </tr>`,
              ),
            })
          : html`<p>${t("noImportRows")}</p>`
      }
      ${pages}
    </section>
    <p><a href="/app/charity">${t("back")}</a></p>`;
}

const RUN_WORDS = { done: "rowsRegistered", refused: "rowsRegistrationRefused" } as const;

/** The charity's registration runs, newest first, each with its state and households registered. */
export function runList(page: Pick<PageState, "t" | "lang">, runs: readonly ListedRegistrationRun[]): Html {
  const { t, lang } = page;
  if (!runs.length) return html`<p>${t("noRegistrations")}</p>`;
  return scrollTable({
    id: "registrations",
    caption: t("registrations"),
    headings: [t("when"), t("state"), t("heads"), t("rowsRegistered"), t("rowsRegistrationRefused")],
    rows: runs.map(
      (run) =>
        html`<tr data-registration="${run.registrationId}">
          <td>
            <a href="/app/charity/registrations/${run.registrationId}">${dateTime(run.createdAt, lang)}</a>
          </td>
          <td data-state="${run.state}">${t(`jobState_${run.state}`)}</td>
          <td class="num">${count(run.heads, lang)}</td>
          <td class="num" data-count="done">${count(run.progress.done, lang)}</td>
          <td class="num" data-count="refused">${count(run.progress.refused, lang)}</td>
        </tr>`,
    ),
  });
}

/** One registration run: its bar (households registered out of its households), followed while it runs. */
export function runDetail(page: Pick<PageState, "t" | "lang">, run: RegistrationRun): Html {
  const { t } = page;
  return html`<dl class="facts">
      <dt>${t("registrationTitle")}</dt>
      <dd><code title="${run.registrationId}">${shortHash(run.registrationId ?? "")}</code></dd>
    </dl>
    ${jobProgress(page, "job", run.state, run.progress, RUN_WORDS)}
    <p><a href="/app/charity">${t("back")}</a></p>`;
}
