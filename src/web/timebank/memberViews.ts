import {
  confirmationQrPayload,
  MEMBER_ACTIONS,
  type HistoryEntry,
  type MemberAccess,
  type MemberView,
  type PendingServiceEntry,
  type ServiceView,
} from "../../timebank";
import { html, raw, type Html } from "../html";
import { qrSvg } from "../qr/qrSvg";
import { scrollTable } from "../tables";
import { count, dateTime, digits, shortHash } from "../i18n/format";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { minutesChart } from "./minutesChart";
import { digitsField, inputField } from "../formFields";
import { code } from "./timebankViews";

type Page = Pick<PageState, "t" | "lang">;

/** The member's account as the chain holds it, and how its custodial key is unlocked (only whether). */
export function memberFacts(page: Page, member: MemberView, access: MemberAccess): Html {
  const { t, lang } = page;
  const yes = (value: boolean) => (value ? t("tbYes") : t("tbNo"));
  return html`<dl class="facts" id="account">
    <dt>${t("tbMember")}</dt>
    <dd>${code(member.memberRef)}</dd>
    <dt>${t("tbCustody")}</dt>
    <dd>${t(`custody_${member.custody}`)} ${code(member.wallet)}</dd>
    <dt>${t("tbStatus")}</dt>
    <dd data-status="${member.status}">${t(`memberStatus_${member.status}`)}</dd>
    <dt>${t("tbBalance")}</dt>
    <dd class="num" data-minutes="balance">${count(member.balance, lang)}</dd>
    <dt>${t("tbCreditLimit")}</dt>
    <dd class="num" data-minutes="creditLimit">${count(member.creditLimit, lang)}</dd>
    <dt>${t("tbNonce")}</dt>
    <dd class="num">${digits(member.nonce, lang)}</dd>
    <dt>${t("tbAdmittedAt")}</dt>
    <dd>${dateTime(member.createdAt, lang)}</dd>
    ${
      member.custody === "custodial"
        ? html`<dt>${t("tbPinSet")}</dt>
            <dd>${yes(access.pin)}</dd>
            <dt>${t("tbPhoneSet")}</dt>
            <dd>${yes(access.phone)}</dd>`
        : ""
    }
  </dl>`;
}

/**
 * What moved the member's balance, summed by kind from its history (chart and table), with the balance the
 * chain holds in the footer: earned and received add, paid and donated take away.
 */
export function memberChart(page: Page, member: MemberView, entries: readonly HistoryEntry[]): Html {
  const { t, lang } = page;
  const sum = (kind: HistoryEntry["kind"]) =>
    entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.minutes, 0);
  return minutesChart(
    {
      id: "member-minutes",
      chartTitle: t("tbMemberChart"),
      caption: t("tbMemberTable"),
      bars: [
        { label: t("tbEarned"), minutes: sum("earned"), key: "earned" },
        { label: t("tbReceivedDonations"), minutes: sum("received_donation"), key: "received_donation" },
        { label: t("tbPaid"), minutes: sum("paid"), key: "paid" },
        { label: t("tbDonated"), minutes: sum("donated"), key: "donated" },
      ],
      totals: [{ label: t("tbBalance"), minutes: member.balance, key: "balance" }],
    },
    t,
    lang,
  );
}

/** Every balance change of the member, oldest first, as the TimeBank's events tell it. */
export function historyTable(page: Page, entries: readonly HistoryEntry[]): Html {
  const { t, lang } = page;
  if (!entries.length) return html`<p>${t("tbNoHistory")}</p>`;
  return scrollTable({
    id: "history",
    label: t("tbHistory"),
    caption: `${t("tbHistory")} (${count(entries.length, lang)})`,
    headings: [t("tbBlock"), t("tbWhat"), t("tbMinutes"), t("tbService"), t("tbTransaction")],
    rows: entries.map(
      (entry) =>
        html`<tr data-kind="${entry.kind}">
          <td class="num">${digits(entry.blockNumber, lang)}</td>
          <td>
            ${t(`history_${entry.kind}`)}
            ${entry.pool ? html` · ${entry.kind === "earned" ? t("tbByPool") : t("tbToPool")}` : ""}
          </td>
          <td class="num">${count(entry.minutes, lang)}</td>
          <td>${entry.serviceId ? code(entry.serviceId) : "—"}</td>
          <td>${code(entry.txHash)}</td>
        </tr>`,
    ),
  });
}

/** The services logged on chain with the member and not yet confirmed, whoever logged them. */
export function memberPendingTable(page: Page, pending: readonly PendingServiceEntry[]): Html {
  const { t, lang } = page;
  if (!pending.length) return html`<p>${t("tbNoMemberPending")}</p>`;
  return scrollTable({
    id: "member-pending",
    label: t("tbMemberPending"),
    caption: `${t("tbMemberPending")} (${count(pending.length, lang)})`,
    headings: [t("tbService"), t("tbRole"), t("tbMinutes"), t("tbCategory"), t("tbBlock")],
    rows: pending.map(
      (entry) =>
        html`<tr data-role="${entry.role}">
          <th scope="row">${code(entry.serviceId)}</th>
          <td>${t(`pendingRole_${entry.role}`)}</td>
          <td class="num">${count(entry.minutes, lang)}</td>
          <td>${t(`category_${entry.category}`)}</td>
          <td class="num">${digits(entry.blockNumber, lang)}</td>
        </tr>`,
    ),
  });
}

/** The member's change form: set the limit, suspend, reinstate or remove, under the form's own idempotency key. */
export function changeForm(page: PageState, member: MemberView, formKey: string): Html {
  const { t } = page;
  return html`<form
    method="post"
    action="/app/timebank/members/${member.memberRef}/changes"
    class="card"
    id="change-form"
  >
    <p class="hint" id="change-hint">${t("tbChangeHint")}</p>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-change" />
    <label for="change-action">${t("tbAction")}</label>
    <select id="change-action" name="action" aria-describedby="change-hint">
      ${MEMBER_ACTIONS.map((action) => html`<option value="${action}">${t(`memberAction_${action}`)}</option>`)}
    </select>
    ${digitsField({ id: "change-limit", name: "creditLimit", label: t("tbNewLimit") })}
    <button type="submit">${t("apply")}</button>
  </form>`;
}

/** Where the member's word is posted: its coordinator's screen, or the member's own page. */
export interface WordPaths {
  donate: string;
  confirm(serviceId: string): string;
  smsCode(serviceId: string): string;
}

const coordinatorPaths = (memberRef: string): WordPaths => ({
  donate: `/app/timebank/members/${memberRef}/donations`,
  confirm: (serviceId) => `/app/timebank/services/${serviceId}/confirmation`,
  smsCode: (serviceId) => `/app/timebank/services/${serviceId}/sms-code`,
});

/**
 * What the member says through its coordinator's screen, for a wallet the gateway holds: its word on each
 * service it received and has not confirmed (its PIN, or the SMS code texted to its phone), and a donation of
 * credit it earned (its PIN). A member with its own wallet signs with it instead, through the API.
 */
export function memberWord(
  page: PageState,
  member: MemberView,
  access: MemberAccess,
  received: readonly ServiceView[],
  others: readonly MemberView[],
  formKey: string,
  paths: WordPaths = coordinatorPaths(member.memberRef),
): Html {
  const { t, lang } = page;
  if (member.custody !== "custodial") return walletWord(page, received, paths);
  const waiting = received.length
    ? scrollTable({
        id: "received",
        label: t("tbReceivedWaiting"),
        caption: `${t("tbReceivedWaiting")} (${count(received.length, lang)})`,
        headings: [
          t("tbService"),
          t("tbGiver"),
          t("tbMinutes"),
          t("tbCategory"),
          t("tbDeadline"),
          t("tbMemberConfirms"),
        ],
        rows: received.map((service) => receivedRow(page, service, access, paths)),
      })
    : html`<p>${t("tbNoReceivedWaiting")}</p>`;
  return html`<p class="hint">${t("tbMemberWordIntro")}</p>
    ${waiting}
    <form method="post" action="${paths.donate}" class="card" id="donate-form">
      <h3>${t("tbDonate")}</h3>
      <p class="hint" id="donate-hint">${t("tbDonateHint")}</p>
      ${csrfField(page)}
      <input type="hidden" name="idempotencyKey" value="${formKey}-donation" />
      ${digitsField({
        id: "donate-minutes",
        name: "minutes",
        label: t("tbMinutes"),
        required: true,
        describedBy: "donate-hint",
      })}
      <label for="donate-to">${t("tbDonateTo")}</label>
      <select id="donate-to" name="to">
        <option value="">${t("tbDonateToPool")}</option>
        ${others
          .filter((other) => other.memberRef !== member.memberRef && other.status === "active")
          .map((other) => html`<option value="${other.memberRef}">${shortHash(other.memberRef)}</option>`)}
      </select>
      ${digitsField({ id: "donate-pin", name: "pin", label: t("tbMemberPin"), secret: true, required: true })}
      <button type="submit">${t("tbDonate")}</button>
    </form>`;
}

/** One service the member received: its PIN or SMS code confirms it; a code is texted from its own form. */
function receivedRow(page: PageState, service: ServiceView, access: MemberAccess, paths: WordPaths): Html {
  const { t, lang } = page;
  const id = `word-${service.serviceId}`;
  const label = shortHash(service.serviceId);
  return html`<tr data-service="${service.serviceId}">
    <th scope="row">${code(service.serviceId)}</th>
    <td>${code(service.giver)}</td>
    <td class="num">${count(service.minutes, lang)}</td>
    <td>${t(`category_${service.category}`)}</td>
    <td>${dateTime(new Date(service.deadline * 1000).toISOString(), lang)}</td>
    <td>
      <form method="post" action="${paths.confirm(service.serviceId)}" class="change" id="${id}">
        ${csrfField(page)}
        ${
          access.pin
            ? digitsField({
                id: `${id}-pin`,
                name: "pin",
                label: `${t("tbMemberPin")} · ${label}`,
                secret: true,
              })
            : ""
        }
        ${
          access.phone
            ? digitsField({
                id: `${id}-code`,
                name: "smsCode",
                label: `${t("tbSmsCode")} · ${label}`,
                autocomplete: "one-time-code",
              })
            : ""
        }
        <button type="submit">${t("tbMemberConfirm")}</button>
      </form>
      ${
        access.phone
          ? html`<form
              method="post"
              action="${paths.smsCode(service.serviceId)}"
              class="change"
              id="${id}-sms"
            >
              ${csrfField(page)}
              <button type="submit" class="secondary">${t("tbSendCode")}</button>
            </form>`
          : ""
      }
    </td>
  </tr>`;
}

/**
 * The word of a member that holds its own wallet: each service it received, as a QR code and as the typed data
 * its wallet app signs (`eth_signTypedData_v4`), and a field for the signature, which the use-case checks
 * against the member's bound wallet before anything is sent.
 */
function walletWord(page: PageState, received: readonly ServiceView[], paths: WordPaths): Html {
  const { t, lang } = page;
  if (!received.length)
    return html`<p class="hint">${t("tbSelfCustodiedWord")}</p>
      <p>${t("tbNoReceivedWaiting")}</p>`;
  return html`<p class="hint">${t("tbSelfCustodiedWord")}</p>
    ${received.map((service) => {
      const id = `word-${service.serviceId}`;
      const typedData = service.confirmation!;
      return html`<div class="card" data-service="${service.serviceId}">
        <p>
          ${code(service.serviceId)} · ${count(service.minutes, lang)} · ${t(`category_${service.category}`)}
          · ${dateTime(new Date(service.deadline * 1000).toISOString(), lang)}
        </p>
        ${raw(qrSvg(confirmationQrPayload(typedData), t("tbWalletQr")))}
        <details>
          <summary>${t("tbTypedData")}</summary>
          <pre dir="ltr" id="${id}-typed-data">${JSON.stringify(typedData, null, 2)}</pre>
        </details>
        <form method="post" action="${paths.confirm(service.serviceId)}" class="change" id="${id}">
          ${csrfField(page)}
          <label for="${id}-signature">${t("tbWalletSignature")} · ${shortHash(service.serviceId)}</label>
          <input
            id="${id}-signature"
            name="signature"
            required
            autocomplete="off"
            spellcheck="false"
            dir="ltr"
            pattern="0x[0-9a-fA-F]{130}"
          />
          <button type="submit">${t("tbWalletConfirm")}</button>
        </form>
      </div>`;
    })}`;
}

/**
 * A gateway-held wallet's PIN and phone, set again by the member's coordinator (`setMemberAccess`), and the move
 * of its whole account to a new custodial key (`rebindMember`); a member that holds its own wallet has neither
 * here (it signs with its wallet, and moves with that wallet's proof through the API).
 */
export function custodyForms(page: PageState, member: MemberView, formKey: string): Html {
  const { t } = page;
  if (member.custody !== "custodial") return html``;
  return html`<div class="cards">
    <form
      method="post"
      action="/app/timebank/members/${member.memberRef}/access"
      class="card"
      id="access-form"
    >
      <h3>${t("tbAccessTitle")}</h3>
      <p class="hint" id="access-hint">${t("tbAccessHint")}</p>
      ${csrfField(page)}
      ${digitsField({ id: "access-pin", name: "pin", label: t("tbNewPin"), secret: true, describedBy: "access-hint" })}
      ${inputField({ id: "access-phone", name: "phone", label: t("tbNewPhone"), ltr: true, autocomplete: "off" })}
      <button type="submit">${t("tbAccessSubmit")}</button>
    </form>
    <form
      method="post"
      action="/app/timebank/members/${member.memberRef}/wallet-rebinding"
      class="card"
      id="rebind-form"
    >
      <h3>${t("tbRebindTitle")}</h3>
      <p class="hint">${t("tbRebindHint")}</p>
      ${csrfField(page)}
      <input type="hidden" name="idempotencyKey" value="${formKey}-rebind" />
      <button type="submit">${t("tbRebindSubmit")}</button>
    </form>
  </div>`;
}
