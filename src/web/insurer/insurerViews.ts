import { mandateQrPayload, type MandateView, type PremiumView } from "../../mandates";
import { html, raw, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash } from "../i18n/format";
import { inputField } from "../formFields";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { qrSvg } from "../qr/qrSvg";
import { scrollTable } from "../tables";
import { refusalWords } from "./refusal";

type Page = Pick<PageState, "t" | "lang">;

const ref = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;
const mandatePath = (mandateId: string) => `/app/insurer/mandates/${mandateId}`;
/** The gateway's mandate id, short for reading (`mdt_` and its first eight hex digits). */
const shortId = (mandateId: string) => mandateId.slice(4, 12);

/** What the propose form shows again after a refusal: references and numbers only. */
export interface ProposeFormValues {
  programmeId?: string;
  householdRef?: string;
  beneficiaryRef?: string;
  premiumPerPeriod?: string;
  firstPeriod?: string;
  lastPeriod?: string;
}

/** This period's premiums under a mandate: how many were redeemed, and how many refused. */
function thisPeriod(page: Page, mandate: MandateView, period: number | undefined): Html {
  const { t, lang } = page;
  const now = mandate.premiums.filter((premium) => premium.period === period);
  const redeemed = now.filter((premium) => premium.state === "redeemed").length;
  const refused = now.filter((premium) => premium.state === "refused").length;
  return html`<span data-this-period="redeemed">${count(redeemed, lang)}</span> ${t("insRedeemedCount")} ·
    <span data-this-period="refused">${count(refused, lang)}</span> ${t("insRefusedCount")}`;
}

const periodsOf = (page: Page, mandate: MandateView) =>
  `${digits(mandate.firstPeriod, page.lang)}–${digits(mandate.lastPeriod, page.lang)}`;

/**
 * Mandates newest first: state, household (short), programme, premium, periods and this period's premiums.
 * For the insurer each links to its page and an accepted one has a box that belongs to the batch form below
 * (`form=`: forms cannot nest); the charity's copy is read-only and names the insurer instead.
 */
export function mandateTable(
  page: Page,
  mandates: readonly MandateView[],
  periods: ReadonlyMap<number, number>,
  mode: "insurer" | "charity",
): Html {
  const { t, lang } = page;
  if (!mandates.length) return html`<p>${t("insNoMandates")}</p>`;
  const insurer = mode === "insurer";
  return scrollTable({
    id: "mandates",
    label: t("insMandates"),
    caption: `${insurer ? t("insMandates") : t("insCharityMandates")} (${count(mandates.length, lang)})`,
    headings: [
      ...(insurer ? [t("insSelect")] : []),
      t("insMandate"),
      t("state"),
      t("insHousehold"),
      ...(insurer ? [] : [t("insInsurer")]),
      t("programme"),
      t("insPremium"),
      t("insPeriods"),
      t("insThisPeriod"),
    ],
    rows: mandates.map(
      (mandate) =>
        html`<tr data-mandate="${mandate.mandateId}">
          ${
            insurer
              ? html`<td>
                  ${
                    mandate.state === "accepted"
                      ? html`<input
                          type="checkbox"
                          name="mandateIds"
                          value="${mandate.mandateId}"
                          form="redeem-form"
                          aria-label="${t("insSelectMandate")} ${shortId(mandate.mandateId)}"
                        />`
                      : ""
                  }
                </td>`
              : ""
          }
          <th scope="row">
            ${
              insurer
                ? html`<a href="${mandatePath(mandate.mandateId)}"
                    ><code>${shortId(mandate.mandateId)}</code></a
                  >`
                : html`<code title="${mandate.mandateId}">${shortId(mandate.mandateId)}</code>`
            }
          </th>
          <td data-state="${mandate.state}">${t(`mandateState_${mandate.state}`)}</td>
          <td>${ref(mandate.householdRef)}</td>
          ${insurer ? "" : html`<td><code>${mandate.insurerOrgId}</code></td>`}
          <td class="num">${digits(mandate.programmeId, lang)}</td>
          <td class="num" data-money="premium">${amount(mandate.premiumPerPeriod, lang)}</td>
          <td class="num">${periodsOf(page, mandate)}</td>
          <td>${thisPeriod(page, mandate, periods.get(mandate.programmeId))}</td>
        </tr>`,
    ),
  });
}

/** Newer and older pages of the list. */
export function listPager(page: Page, path: string, older: string | null, paged: boolean): Html {
  if (!older && !paged) return html``;
  return html`<p>
    ${paged ? html`<a href="${path}">${page.t("insNewest")}</a>` : ""}
    ${older ? html`<a href="${path}?before=${older}" rel="next">${page.t("insOlder")}</a>` : ""}
  </p>`;
}

/** The insurer's proposal: the fields `POST /v1/mandates` takes; its idempotency key makes a double submit one. */
export function proposeForm(page: PageState, idempotencyKey: string, values: ProposeFormValues): Html {
  const { t } = page;
  return html`<form
    method="post"
    action="/app/insurer/mandates"
    class="card"
    id="propose-form"
    aria-labelledby="propose-heading"
  >
    <h2 id="propose-heading">${t("insPropose")}</h2>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${idempotencyKey}" />
    <p class="hint" id="propose-hint">${t("insProposeHint")}</p>
    ${inputField({ id: "programmeId", name: "programmeId", label: t("programmeId"), value: values.programmeId, required: true, numeric: true })}
    ${inputField({
      id: "householdRef",
      name: "householdRef",
      label: t("insHouseholdRef"),
      value: values.householdRef,
      required: true,
      ltr: true,
      hint: { id: "householdRef-hint", text: t("insRefHint") },
    })}
    ${inputField({ id: "beneficiaryRef", name: "beneficiaryRef", label: t("insBeneficiaryRef"), value: values.beneficiaryRef, ltr: true })}
    ${inputField({
      id: "premiumPerPeriod",
      name: "premiumPerPeriod",
      label: t("insPremium"),
      value: values.premiumPerPeriod,
      required: true,
      ltr: true,
    })}
    ${inputField({ id: "firstPeriod", name: "firstPeriod", label: t("insFirstPeriod"), value: values.firstPeriod, required: true, numeric: true })}
    ${inputField({ id: "lastPeriod", name: "lastPeriod", label: t("insLastPeriod"), value: values.lastPeriod, required: true, numeric: true })}
    <button type="submit">${t("insProposeButton")}</button>
  </form>`;
}

/** The batch form the table's boxes belong to: this period's premium under each ticked mandate, one transaction. */
export function redeemBatchForm(page: PageState, idempotencyKey: string): Html {
  const { t } = page;
  return html`<form
    method="post"
    action="/app/insurer/premiums"
    class="card"
    id="redeem-form"
    aria-labelledby="redeem-heading"
  >
    <h2 id="redeem-heading">${t("insRedeemBatch")}</h2>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${idempotencyKey}" />
    <p class="hint">${t("insRedeemBatchHint")}</p>
    <button type="submit">${t("insRedeemButton")}</button>
  </form>`;
}

/** A member's word (accept or revoke): the member, PIN or SMS code, never shown back. */
function memberWordForm(page: PageState, action: string, id: string, button: string): Html {
  const { t } = page;
  return html`<form method="post" action="${action}" id="${id}">
    ${csrfField(page)}
    ${inputField({
      id: `${id}-by`,
      name: "by",
      label: t("insMemberRef"),
      ltr: true,
      hint: { id: `${id}-by-hint`, text: t("insMemberHint") },
    })}
    <fieldset>
      <legend>${t("proofKind")}</legend>
      <label class="choice"
        ><input type="radio" name="proofKind" value="pin" checked /> ${t("proof_pin")}</label
      >
      <label class="choice"
        ><input type="radio" name="proofKind" value="smsCode" /> ${t("proof_smsCode")}</label
      >
    </fieldset>
    ${inputField({
      id: `${id}-code`,
      name: "code",
      label: t("code"),
      required: true,
      numeric: true,
      ltr: true,
      secret: true,
      autocomplete: "one-time-code",
    })}
    <button type="submit">${button}</button>
  </form>`;
}

const smsButton = (page: PageState, base: string, purpose: "accept" | "revoke") =>
  html`<form method="post" action="${base}/sms-code" id="${purpose}-sms-form">
    ${csrfField(page)}<input type="hidden" name="purpose" value="${purpose}" />
    <button type="submit" class="secondary">${page.t("insSendCode")}</button>
  </form>`;

function premiumsTable(page: Page, premiums: readonly PremiumView[]): Html {
  const { t, lang } = page;
  if (!premiums.length) return html`<p>${t("insNoPremiums")}</p>`;
  return scrollTable({
    id: "premiums",
    label: t("insPremiums"),
    caption: `${t("insPremiums")} (${count(premiums.length, lang)})`,
    headings: [t("insPeriod"), t("amount"), t("state"), t("refusal"), t("insNotice"), t("transaction")],
    rows: premiums.map(
      (premium) =>
        html`<tr data-premium="${premium.deliveryId}">
          <th scope="row" class="num">${digits(premium.period, lang)}</th>
          <td class="num">${amount(premium.amount, lang)}</td>
          <td data-state="${premium.state}">${t(`premiumState_${premium.state}`)}</td>
          <td data-refusal="${premium.refusal?.code ?? ""}">
            ${
              premium.refusal
                ? `${refusalWords(page, premium.refusal.code, premium.refusal.message, "insRefusal_ledger")} (${premium.refusal.code})`
                : "—"
            }
          </td>
          <td data-notice="${premium.notice}">${t(`notice_${premium.notice}`)}</td>
          <td>${premium.redemption ? ref(premium.redemption.txHash) : "—"}</td>
        </tr>`,
    ),
  });
}

/**
 * One mandate: its terms and state; while proposed, the QR of its terms for the member's wallet, a field for
 * the wallet's signature and the PIN / SMS code form; while accepted, this period's premium and the revocation;
 * its premiums with their state, refusal and the household's notice. While it waits for a member (proposed) or a
 * premium is queued, `data-follow` lets vendor.js swap the block in place once that moves on.
 */
export function mandateDetail(
  page: PageState,
  mandate: MandateView,
  currentPeriod: number,
  formKey: string,
  notice?: string,
): Html {
  const { t, lang } = page;
  const base = mandatePath(mandate.mandateId);
  const queued = mandate.premiums.some((premium) => premium.state === "accepted");
  const waiting = mandate.state === "proposed" || queued;
  // The ledger takes one premium a period: once this period's is held (redeemed, queued or refused), no form.
  const periodTaken = mandate.premiums.some((premium) => premium.period === currentPeriod);
  const followState = `${mandate.state}:${mandate.premiums.map((premium) => premium.state).join(",")}`;
  const facts = html`<dl class="facts" id="mandate-state" data-state="${mandate.state}">
    <dt>${t("state")}</dt>
    <dd><strong class="state state-${mandate.state}">${t(`mandateState_${mandate.state}`)}</strong></dd>
    <dt>${t("insHousehold")}</dt>
    <dd>${ref(mandate.householdRef)}</dd>
    <dt>${t("programme")}</dt>
    <dd>${digits(mandate.programmeId, lang)}</dd>
    <dt>${t("insPremium")}</dt>
    <dd class="num" data-money="premium">${amount(mandate.premiumPerPeriod, lang)}</dd>
    <dt>${t("insPeriods")}</dt>
    <dd class="num">${periodsOf(page, mandate)}</dd>
    <dt>${t("insCurrentPeriod")}</dt>
    <dd class="num" data-period="current">${digits(currentPeriod, lang)}</dd>
    <dt>${t("insThisPeriod")}</dt>
    <dd>${thisPeriod(page, mandate, currentPeriod)}</dd>
    ${
      mandate.state === "proposed"
        ? html`<dt>${t("insDeadline")}</dt>
            <dd>${dateTime(mandate.deadline, lang)}</dd>`
        : ""
    }
    ${
      mandate.chainMandateId
        ? html`<dt>${t("insChainId")}</dt>
            <dd>${ref(mandate.chainMandateId)}</dd>`
        : ""
    }
    ${
      mandate.acceptance
        ? html`<dt>${t("insAcceptedBy")}</dt>
            <dd>${ref(mandate.acceptance.by)} · ${t(`channel_${mandate.acceptance.channel}`)}</dd>`
        : ""
    }
    ${
      mandate.revocation
        ? html`<dt>${t("insRevokedBy")}</dt>
            <dd>${ref(mandate.revocation.by)} · ${t(`channel_${mandate.revocation.channel}`)}</dd>`
        : ""
    }
  </dl>`;
  const proposed =
    mandate.state === "proposed" && mandate.typedData
      ? html`<section class="card qr-card" aria-labelledby="qr-heading">
            <h2 id="qr-heading">${t("insQrTitle")}</h2>
            ${raw(qrSvg(mandateQrPayload(mandate.mandateId, mandate.typedData), t("insQrLabel")))}
            <p class="hint">${t("insQrHint")}</p>
            <details>
              <summary>${t("insTypedData")}</summary>
              <pre dir="ltr" tabindex="0">${JSON.stringify(mandate.typedData, null, 1)}</pre>
            </details>
            <form method="post" action="${base}/acceptance" id="signature-form">
              ${csrfField(page)}<input type="hidden" name="proofKind" value="signature" />
              ${inputField({ id: "signature", name: "signature", label: t("insSignature"), required: true, ltr: true })}
              <button type="submit">${t("insAcceptBySignature")}</button>
            </form>
          </section>
          <section class="card" aria-labelledby="accept-heading">
            <h2 id="accept-heading">${t("insAcceptTitle")}</h2>
            ${smsButton(page, base, "accept")}
            ${memberWordForm(page, `${base}/acceptance`, "accept-form", t("insAccept"))}
          </section>`
      : "";
  const accepted =
    mandate.state === "accepted"
      ? html`<section class="card" aria-labelledby="premium-heading">
            <h2 id="premium-heading">${t("insRedeemOne")}</h2>
            ${
              periodTaken
                ? html`<p class="hint" id="period-taken">${t("insPeriodTaken")}</p>`
                : html`<form method="post" action="${base}/premiums" id="premium-form">
                    ${csrfField(page)}
                    <input type="hidden" name="idempotencyKey" value="${formKey}" />
                    ${inputField({
                      id: "amount",
                      name: "amount",
                      label: t("amount"),
                      ltr: true,
                      hint: { id: "amount-hint", text: t("insAmountHint") },
                    })}
                    <button type="submit">${t("insRedeemOne")}</button>
                  </form>`
            }
          </section>
          <section class="card" aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">${t("insRevokeTitle")}</h2>
            <p class="hint">${t("insRevokeHint")}</p>
            ${smsButton(page, base, "revoke")}
            ${memberWordForm(page, `${base}/revocation`, "revoke-form", t("insRevoke"))}
          </section>`
      : "";
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
    <p id="mandate-follow" class="hint" role="status"></p>
    <div id="mandate" data-follow-state="${followState}" ${waiting ? html`data-follow="${base}"` : ""}>
      ${facts} ${waiting ? html`<p><a href="${base}" id="refresh">${t("refresh")}</a></p>` : ""}
      <div class="cards">${proposed} ${accepted}</div>
      <section aria-labelledby="premiums-heading">
        <h2 id="premiums-heading">${t("insPremiums")}</h2>
        ${premiumsTable(page, mandate.premiums)}
      </section>
    </div>
    <p><a href="/app/insurer">${t("insBack")}</a></p>`;
}
