import type { AnchoredReportRecord, FindingRecord } from "../../audit";
import type { DeliveryView } from "../../delivery";
import type { ProgrammeGift } from "../../indexer";
import type { ProgrammeView } from "../../programmes";
import {
  txCheck,
  verifiedContractsNote,
  verifierAttributes,
  type VerifiedContracts,
} from "../donor/timelineView";
import { html, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash } from "../i18n/format";
import { itemName } from "../i18n/items";
import { inputField } from "../formFields";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { disputeFacts } from "../disputeFacts";

type Page = Pick<PageState, "t" | "lang">;
const hash = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;
const named = (names: ReadonlyMap<string, string>, address: string) =>
  html`${names.get(address) ?? ""} ${hash(address)}`;

/** Findings recorded on chain, newest first: who, about what, how serious, and the report's CID. */
export function findingTable(
  page: Page,
  findings: readonly FindingRecord[],
  names: ReadonlyMap<string, string>,
): Html {
  const { t, lang } = page;
  if (!findings.length) return html`<p>${t("noFindings")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("findings")}">
    <table id="findings">
      <caption>
        ${t("findings")} (${count(findings.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("finding")}</th>
          <th scope="col">${t("auditor")}</th>
          <th scope="col">${t("subject")}</th>
          <th scope="col">${t("severity")}</th>
          <th scope="col">${t("reportCid")}</th>
        </tr>
      </thead>
      <tbody>
        ${findings.map(
          (finding) =>
            html`<tr data-finding="${finding.findingId}">
              <th scope="row">
                ${digits(finding.findingId, lang)} · ${t("block")} ${digits(finding.blockNumber, lang)}
              </th>
              <td>${named(names, finding.auditor)}</td>
              <td>${t(`subject_${finding.subject}`)} ${hash(finding.subjectId)}</td>
              <td data-severity="${finding.severity}">${t(`severity_${finding.severity}`)}</td>
              <td><code>${finding.reportCid}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Signed audit reports whose hash an auditor anchored, with the block they cover the chain through. */
export function reportTable(
  page: Page,
  reports: readonly AnchoredReportRecord[],
  names: ReadonlyMap<string, string>,
): Html {
  const { t, lang } = page;
  if (!reports.length) return html`<p>${t("noReports")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("reports")}">
    <table id="reports">
      <caption>
        ${t("reports")} (${count(reports.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("reportHash")}</th>
          <th scope="col">${t("auditor")}</th>
          <th scope="col">${t("throughBlock")}</th>
          <th scope="col">${t("reportCid")}</th>
        </tr>
      </thead>
      <tbody>
        ${reports.map(
          (report) =>
            html`<tr>
              <th scope="row">${hash(report.reportHash)}</th>
              <td>${named(names, report.auditor)}</td>
              <td class="num">${digits(report.throughBlock, lang)}</td>
              <td><code>${report.reportCid}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Every programme, to drill down from. */
export function programmeIndex(
  page: Page,
  programmes: readonly ProgrammeView[],
  names: ReadonlyMap<string, string>,
): Html {
  const { t, lang } = page;
  return html`<ul class="links" id="audit-programmes">
    ${programmes.map(
      (programme) =>
        html`<li>
          <a href="/app/auditor/programmes/${programme.programmeId}"
            >${programme.name} (${digits(programme.programmeId, lang)})</a
          >
          · ${names.get(programme.orgId) ?? ""} · ${t("given")} ${amount(programme.funds.given, lang)}
        </li>`,
    )}
  </ul>`;
}

/** A programme's gifts, newest first: each a link to its timeline (proofs checked in the browser). */
export function giftList(page: Page, gifts: readonly ProgrammeGift[]): Html {
  const { t, lang } = page;
  if (!gifts.length) return html`<p>${t("noGifts")}</p>`;
  return html`<ul class="links" id="gifts">
    ${gifts.map(
      (gift) =>
        html`<li>
          <a href="/app/donor/gift?giftId=${gift.giftId}"
            >${t("timelineTitle")} ${digits(gift.giftId, lang)}</a
          >
          · ${amount(gift.amount, lang)} · ${t("block")} ${digits(gift.blockNumber, lang)}
        </li>`,
    )}
  </ul>`;
}

/** A programme's redemptions, newest first: each a link to its receipt (its transaction checked on chain). */
export function redemptionList(page: Page, redemptions: readonly DeliveryView[]): Html {
  const { t, lang } = page;
  if (!redemptions.length) return html`<p>${t("noRedemptions")}</p>`;
  return html`<ul class="links" id="redemptions">
    ${redemptions.map(
      (delivery) =>
        html`<li>
          <a href="/app/auditor/deliveries/${delivery.deliveryId}"
            >${t("receipt")} ${hash(delivery.redemptionId)}</a
          >
          · ${amount(delivery.amount, lang)} · ${itemName(delivery.item, lang)} ·
          ${dateTime(delivery.updatedAt, lang)}
        </li>`,
    )}
  </ul>`;
}

/** One redemption's receipt: what was accepted and how, and its transaction with the in-browser chain check. */
export function receiptView(page: Page, delivery: DeliveryView, contracts: VerifiedContracts): Html {
  const { t, lang } = page;
  return html`<p>${t("receiptIntro")}</p>
    <dl class="facts" id="receipt">
      <dt>${t("redemptionId")}</dt>
      <dd><code>${delivery.redemptionId}</code></dd>
      <dt>${t("programme")}</dt>
      <dd>
        <a href="/app/auditor/programmes/${delivery.programmeId}">${digits(delivery.programmeId, lang)}</a>
      </dd>
      <dt>${t("amount")}</dt>
      <dd class="num">${amount(delivery.amount, lang)}</dd>
      <dt>${t("item")}</dt>
      <dd>${itemName(delivery.item, lang)} × ${digits(delivery.quantity, lang)}</dd>
      <dt>${t("state")}</dt>
      <dd>${t(`state_${delivery.state}`)} · ${t("flag")}: ${t(`flag_${delivery.flag}`)}</dd>
      <dt>${t("acceptedBy")}</dt>
      <dd>${delivery.acceptance ? t(`channel_${delivery.acceptance.channel}`) : "—"}</dd>
      <dt>${t("when")}</dt>
      <dd>${dateTime(delivery.createdAt, lang)}</dd>
    </dl>
    <section id="anchored" aria-labelledby="proof-heading" ${verifierAttributes({ t, lang, contracts })}>
      <h2 id="proof-heading">${t("proof")}</h2>
      <noscript><p>${t("needsScript")}</p></noscript>
      ${
        delivery.redemption
          ? html`${verifiedContractsNote({ t, lang, contracts })}
              <div>
                ${txCheck(
                  page,
                  delivery.redemption.txHash,
                  delivery.redemption.blockNumber,
                  "tx-result-receipt",
                  {
                    redemptionId: delivery.redemptionId,
                  },
                )}
              </div>`
          : html`<p>${t("noRedemptions")}</p>`
      }
    </section>`;
}

/**
 * A disputed delivery's path beside its receipt: the household's reason, the programme's charity's answer,
 * and the flag's resolution (how much it held and where that went), or, while the flag waits on chain, the
 * form that resolves it (the use-case of `POST /v1/deliveries/{deliveryId}/flag-resolution`).
 */
export function disputeSection(page: PageState, delivery: DeliveryView, formKey: string): Html {
  const { t } = page;
  if (!delivery.dispute) return html``;
  const resolution = delivery.dispute.resolution;
  return html`<section id="dispute" aria-labelledby="dispute-heading">
    <h2 id="dispute-heading">${t("disputeHeading")}</h2>
    ${disputeFacts(page, delivery)}
    ${delivery.flag === "flagged" && !resolution ? resolveForm(page, delivery, formKey) : ""}
  </section>`;
}

function resolveForm(page: PageState, delivery: DeliveryView, formKey: string): Html {
  const { t } = page;
  return html`<form
    method="post"
    action="/app/auditor/deliveries/${delivery.deliveryId}/flag-resolution"
    class="card"
    id="resolve-form"
  >
    <h3>${t("resolveHeading")}</h3>
    <p class="hint" id="resolve-hint">${t("resolveHint")}</p>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-resolve" />
    <label for="resolve-upheld">${t("resolveDecision")}</label>
    <select id="resolve-upheld" name="upheld" aria-describedby="resolve-hint">
      <option value="true">${t("resolve_true")}</option>
      <option value="false">${t("resolve_false")}</option>
    </select>
    ${inputField({ id: "resolve-report", name: "reportCid", label: t("reportCidOptional"), ltr: true, maxLength: 100 })}
    <button type="submit">${t("resolveSubmit")}</button>
  </form>`;
}
