import {
  MAX_SERVICE_MINUTES,
  SERVICE_CATEGORIES,
  type MemberView,
  type PoolHistory,
  type ServiceView,
} from "../../timebank";
import { html, type Html } from "../html";
import { scrollTable } from "../tables";
import { count, dateTime, digits, shortHash } from "../i18n/format";
import { digitsField } from "../formFields";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { minutesChart } from "./minutesChart";

type Page = Pick<PageState, "t" | "lang">;

export const code = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;
/** A member of this coordinator, linked to its page. */
export const memberLink = (memberRef: string) =>
  html`<a href="/app/timebank/members/${memberRef}">${code(memberRef)}</a>`;
const PAYERS = ["recipient", "pool"] as const;

/** The coordinator's members, a page at a time, each account as the chain holds it. */
export function memberTable(
  page: Page,
  members: readonly MemberView[],
  next: string | null,
  paged: boolean,
): Html {
  const { t, lang } = page;
  if (!members.length) return html`<p>${t("tbNoMembers")}</p>`;
  return html`${scrollTable({
    id: "members",
    label: t("tbMembers"),
    caption: `${t("tbMembers")} (${count(members.length, lang)})`,
    headings: [t("tbMember"), t("tbCustody"), t("tbStatus"), t("tbBalance"), t("tbCreditLimit")],
    rows: members.map(
      (member) =>
        html`<tr data-member="${member.memberRef}">
          <th scope="row">${memberLink(member.memberRef)}</th>
          <td>${t(`custody_${member.custody}`)}</td>
          <td data-status="${member.status}">${t(`memberStatus_${member.status}`)}</td>
          <td class="num" data-minutes="balance">${count(member.balance, lang)}</td>
          <td class="num" data-minutes="creditLimit">${count(member.creditLimit, lang)}</td>
        </tr>`,
    ),
  })}
  ${
    next || paged
      ? html`<p>
          ${paged ? html`<a href="/app/timebank">${t("tbFirstPage")}</a>` : ""}
          ${next ? html`<a href="/app/timebank?after=${next}">${t("tbNextPage")}</a>` : ""}
        </p>`
      : ""
  }`;
}

/**
 * The services waiting for a word: each with its own confirmation form (who pays), and a checkbox that belongs
 * to the batch form under the table (`form=` attribute: forms cannot nest), which confirms the ones ticked in
 * one coordinator's call.
 */
export function pendingTable(page: PageState, services: readonly ServiceView[]): Html {
  const { t, lang } = page;
  if (!services.length) return html`<p>${t("tbNoPending")}</p>`;
  const payerSelect = (id: string, label: string) =>
    html`<label for="${id}">${label}</label>
      <select id="${id}" name="payer">
        ${PAYERS.map((payer) => html`<option value="${payer}">${t(`payer_${payer}`)}</option>`)}
      </select>`;
  return html`${scrollTable({
      id: "pending",
      label: t("tbPending"),
      caption: `${t("tbPending")} (${count(services.length, lang)})`,
      headings: [
        t("tbSelect"),
        t("tbService"),
        t("tbGiver"),
        t("tbRecipient"),
        t("tbMinutes"),
        t("tbCategory"),
        t("tbState"),
        t("tbDeadline"),
        t("tbConfirm"),
      ],
      rows: services.map(
        (service) =>
          html`<tr data-service="${service.serviceId}">
            <td>
              <input
                type="checkbox"
                name="serviceIds"
                value="${service.serviceId}"
                form="batch-form"
                aria-label="${t("tbSelectService")} ${shortHash(service.serviceId)}"
              />
            </td>
            <th scope="row">${code(service.serviceId)}</th>
            <td>${memberLink(service.giver)}</td>
            <td>${memberLink(service.recipient)}</td>
            <td class="num">${count(service.minutes, lang)}</td>
            <td>${t(`category_${service.category}`)}</td>
            <td data-state="${service.state}">${t(`serviceState_${service.state}`)}</td>
            <td>
              ${service.state === "open" ? dateTime(new Date(service.deadline * 1000).toISOString(), lang) : "—"}
            </td>
            <td>
              <form
                method="post"
                action="/app/timebank/services/${service.serviceId}/coordinator-confirmation"
                class="change"
              >
                ${csrfField(page)}
                ${payerSelect(
                  `payer-${service.serviceId}`,
                  `${t("tbConfirmFor")} ${shortHash(service.serviceId)}`,
                )}
                <button type="submit">${t("tbConfirm")}</button>
              </form>
            </td>
          </tr>`,
      ),
    })}
    <form
      method="post"
      action="/app/timebank/services/coordinator-confirmations"
      id="batch-form"
      class="card"
    >
      ${csrfField(page)}
      <p class="hint" id="batch-hint">${t("tbBatchHint")}</p>
      ${payerSelect("batch-payer", t("tbBatchPayer"))}
      <button type="submit" aria-describedby="batch-hint">${t("tbConfirmSelected")}</button>
    </form>`;
}

/** The form to open a service one member gave another (the giver and recipient chosen from the members). */
export function openServiceForm(page: PageState, members: readonly MemberView[], formKey: string): Html {
  const { t, lang } = page;
  const active = members.filter((member) => member.status === "active");
  if (active.length < 2) return html``;
  const choices = (giver: boolean) =>
    active
      .filter((member) => !giver || member.custody === "custodial")
      .map(
        (member) =>
          html`<option value="${member.memberRef}">
            ${shortHash(member.memberRef)} · ${count(member.balance, lang)}
          </option>`,
      );
  return html`<form method="post" action="/app/timebank/services" class="card" id="open-service-form">
    <h3>${t("tbOpenService")}</h3>
    <p class="hint" id="open-service-hint">${t("tbOpenServiceHint")}</p>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-service" />
    <label for="service-giver">${t("tbGiver")}</label>
    <select id="service-giver" name="giver" aria-describedby="open-service-hint">
      ${choices(true)}
    </select>
    <label for="service-recipient">${t("tbRecipient")}</label>
    <select id="service-recipient" name="recipient">
      ${choices(false).reverse()}
    </select>
    ${digitsField({
      id: "service-minutes",
      name: "minutes",
      label: `${t("tbMinutes")} (${digits(1, lang)}–${digits(MAX_SERVICE_MINUTES, lang)})`,
      required: true,
    })}
    <label for="service-category">${t("tbCategory")}</label>
    <select id="service-category" name="category">
      ${SERVICE_CATEGORIES.map((category) => html`<option value="${category}">${t(`category_${category}`)}</option>`)}
    </select>
    <button type="submit">${t("tbOpenService")}</button>
  </form>`;
}

/**
 * The admission form. Nothing typed is written back into the page, even after a refusal: a national ID, PIN
 * or phone is never shown again.
 */
export function admitForm(page: PageState): Html {
  const { t } = page;
  return html`<form method="post" action="/app/timebank/members" class="card" id="admit-form">
    <h3>${t("tbAdmit")}</h3>
    <p class="hint" id="admit-hint">${t("tbAdmitHint")}</p>
    ${csrfField(page)}
    <label for="admit-national-id">${t("tbNationalId")}</label>
    <input
      id="admit-national-id"
      name="nationalId"
      inputmode="numeric"
      autocomplete="off"
      spellcheck="false"
      dir="ltr"
      required
      aria-describedby="admit-hint"
    />
    ${digitsField({ id: "admit-limit", name: "creditLimit", label: t("tbCreditLimit"), required: true })}
    <label for="admit-wallet">${t("tbWallet")}</label>
    <input id="admit-wallet" name="wallet" autocomplete="off" spellcheck="false" dir="ltr" />
    ${digitsField({ id: "admit-pin", name: "pin", label: t("tbPin"), secret: true })}
    <label for="admit-phone">${t("tbPhone")}</label>
    <input id="admit-phone" name="phone" type="tel" autocomplete="off" dir="ltr" />
    <button type="submit">${t("tbAdmit")}</button>
  </form>`;
}

/** The community pool: its balance as the sum of what moved it (chart and table), and its newest entries. */
export function poolView(page: Page, pool: PoolHistory): Html {
  const { t, lang } = page;
  const chart = minutesChart(
    {
      id: "pool",
      chartTitle: t("tbPoolChart"),
      caption: t("tbPoolTable"),
      bars: [
        { label: t("tbDonatedToPool"), minutes: pool.donated, key: "donated" },
        { label: t("tbPaidByPool"), minutes: pool.paid, key: "paid" },
      ],
      totals: [{ label: t("tbPoolBalance"), minutes: pool.minutes, key: "pool" }],
    },
    t,
    lang,
  );
  const history = pool.entries.length
    ? scrollTable({
        id: "pool-history",
        label: t("tbPoolHistory"),
        caption: `${t("tbPoolHistory")}`,
        headings: [t("tbBlock"), t("tbWhat"), t("tbMinutes"), t("tbMember"), t("tbTransaction")],
        rows: pool.entries.map(
          (entry) =>
            html`<tr data-kind="${entry.kind}">
              <td class="num">${digits(entry.blockNumber, lang)}</td>
              <td>${t(`pool_${entry.kind}`)}</td>
              <td class="num">${count(entry.minutes, lang)}</td>
              <td>${entry.memberRef ? memberLink(entry.memberRef) : t("tbOtherMember")}</td>
              <td>${code(entry.txHash)}</td>
            </tr>`,
        ),
      })
    : html`<p>${t("tbNoPoolHistory")}</p>`;
  return html`${chart} ${history}`;
}
