import { DELIVERY_ITEMS, type DeliveryView, type VendorProgrammeSettlement } from "../../delivery";
import { html, raw, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash } from "../i18n/format";
import { itemName } from "../i18n/items";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { qrSvg } from "../qr/qrSvg";

export const HANDLE_KINDS = ["householdRef", "beneficiaryRef", "nationalId"] as const;
export type HandleKind = (typeof HANDLE_KINDS)[number];

/** What the open form shows again after a refusal: never the national ID typed. */
export interface OpenFormValues {
  programmeId?: string;
  handleKind?: HandleKind;
  handle?: string;
  amount?: string;
  item?: string;
  quantity?: string;
}

/** The form a vendor opens a delivery with; its idempotency key makes a double submit open one delivery. */
export function openForm(page: PageState, idempotencyKey: string, values: OpenFormValues): Html {
  const { t } = page;
  const kind = values.handleKind ?? "householdRef";
  return html`<form method="post" action="/app/vendor/deliveries" class="card" aria-labelledby="open-heading">
    <h2 id="open-heading">${t("openDelivery")}</h2>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${idempotencyKey}" />
    <label for="programmeId">${t("programmeId")}</label>
    <input
      id="programmeId"
      name="programmeId"
      inputmode="numeric"
      required
      value="${values.programmeId ?? ""}"
      autocomplete="off"
    />
    <fieldset>
      <legend>${t("householdBy")}</legend>
      ${HANDLE_KINDS.map(
        (handleKind) =>
          html`<label class="choice"
            ><input
              type="radio"
              name="handleKind"
              value="${handleKind}"
              ${handleKind === kind ? raw(" checked") : ""}
            />
            ${t(`handle_${handleKind}`)}</label
          >`,
      )}
    </fieldset>
    <label for="handle">${t("handle")}</label>
    <input
      id="handle"
      name="handle"
      required
      autocomplete="off"
      spellcheck="false"
      dir="ltr"
      aria-describedby="handle-hint"
      value="${kind === "nationalId" ? "" : (values.handle ?? "")}"
    />
    <p class="hint" id="handle-hint">${t("handleHint")}</p>
    <label for="amount">${t("amount")}</label>
    <input
      id="amount"
      name="amount"
      inputmode="decimal"
      required
      value="${values.amount ?? ""}"
      autocomplete="off"
      dir="ltr"
    />
    <label for="item">${t("item")}</label>
    <select id="item" name="item">
      ${DELIVERY_ITEMS.map(
        (item) =>
          html`<option value="${item}" ${item === values.item ? raw(" selected") : ""}>
            ${itemName(item, page.lang)}
          </option>`,
      )}
    </select>
    <label for="quantity">${t("quantity")}</label>
    <input
      id="quantity"
      name="quantity"
      inputmode="numeric"
      value="${values.quantity ?? "1"}"
      autocomplete="off"
    />
    <button type="submit">${t("open")}</button>
  </form>`;
}

/** The day's deliveries of this vendor, newest first, with the count and what was redeemed. */
export function todayList(page: PageState, deliveries: readonly DeliveryView[], redeemedTotal: string): Html {
  const { t, lang } = page;
  return html`<section aria-labelledby="today-heading" class="card">
    <h2 id="today-heading">${t("today")}</h2>
    <p class="totals">
      ${t("deliveriesCount")}: <strong>${count(deliveries.length, lang)}</strong> · ${t("redeemedTotal")}:
      <strong>${amount(redeemedTotal, lang)}</strong>
    </p>
    ${
      deliveries.length
        ? html`<ul class="deliveries">
            ${deliveries.map(
              (delivery) =>
                html`<li>
                  <a href="/app/vendor/deliveries/${delivery.deliveryId}">
                    <span class="state state-${delivery.state}">${t(`state_${delivery.state}`)}</span>
                    <span class="num">${amount(delivery.amount, lang)}</span> ·
                    ${itemName(delivery.item, lang)} · ${dateTime(delivery.createdAt, lang)}</a
                  >
                </li>`,
            )}
          </ul>`
        : html`<p>${t("noDeliveriesToday")}</p>`
    }
  </section>`;
}

/** One delivery at the counter: its state; while open, the QR to sign, the SMS button and the answer form. */
export function deliveryDetail(page: PageState, delivery: DeliveryView, notice?: string): Html {
  const { t, lang } = page;
  const base = `/app/vendor/deliveries/${delivery.deliveryId}`;
  const facts = html`<dl class="facts" id="delivery-state" data-state="${delivery.state}">
    <dt>${t("state")}</dt>
    <dd><strong class="state state-${delivery.state}">${t(`state_${delivery.state}`)}</strong></dd>
    <dt>${t("amount")}</dt>
    <dd class="num">${amount(delivery.amount, lang)}</dd>
    <dt>${t("item")}</dt>
    <dd>${itemName(delivery.item, lang)} × ${digits(delivery.quantity, lang)}</dd>
    <dt>${t("programme")}</dt>
    <dd>${digits(delivery.programmeId, lang)}</dd>
    <dt>${t("when")}</dt>
    <dd>${dateTime(delivery.createdAt, lang)}</dd>
    ${
      delivery.redemption
        ? html`<dt>${t("transaction")}</dt>
            <dd>
              <code title="${delivery.redemption.txHash}">${shortHash(delivery.redemption.txHash)}</code> ·
              ${t("block")} ${digits(delivery.redemption.blockNumber, lang)}
            </dd>`
        : ""
    }
    ${
      delivery.refusal
        ? html`<dt>${t("refusal")}</dt>
            <dd>${delivery.refusal.code}: ${delivery.refusal.message}</dd>`
        : ""
    }
  </dl>`;
  // Open (waiting for the household's signature or code) or accepted (being redeemed): the page follows it.
  const waiting = delivery.state === "open" || delivery.state === "accepted";
  const open =
    delivery.state === "open"
      ? html`<section class="card qr-card" aria-labelledby="qr-heading">
            <h2 id="qr-heading">${t("qrTitle")}</h2>
            ${raw(qrSvg(delivery.qrPayload, t("qrLabel")))}
            <p class="hint">${t("qrHint")}</p>
          </section>
          <section class="card" aria-labelledby="accept-heading">
            <h2 id="accept-heading">${t("acceptTitle")}</h2>
            <form method="post" action="${base}/sms-code">
              ${csrfField(page)}<button type="submit" class="secondary">${t("sendSms")}</button>
            </form>
            <form method="post" action="${base}/acceptance">
              ${csrfField(page)}
              <fieldset>
                <legend>${t("proofKind")}</legend>
                <label class="choice"
                  ><input type="radio" name="proofKind" value="smsCode" checked />
                  ${t("proof_smsCode")}</label
                >
                <label class="choice"
                  ><input type="radio" name="proofKind" value="pin" /> ${t("proof_pin")}</label
                >
              </fieldset>
              <label for="proofCode">${t("code")}</label>
              <input
                id="proofCode"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                required
                dir="ltr"
                type="password"
              />
              <button type="submit">${t("accept")}</button>
            </form>
          </section>`
      : "";
  // vendor.js asks `data-follow` for the same page while the delivery waits, and swaps #delivery in place
  // when its state moves on (what the vendor typed stays while nothing changed); the link works without it.
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
    <p id="delivery-follow" class="hint" role="status"></p>
    <div
      id="delivery"
      data-delivery-state="${delivery.state}"
      data-follow-state="${delivery.state}"
      ${waiting ? html`data-follow="${base}"` : ""}
    >
      ${facts} ${waiting ? html`<p><a href="${base}" id="refresh">${t("refresh")}</a></p>` : ""} ${open}
    </div>
    <p><a href="/app/vendor">${t("backToCounter")}</a></p>`;
}

/** What the vendor is owed, may collect now, has held by disputes and has collected, per programme. */
export function settlementTable(page: PageState, settlements: readonly VendorProgrammeSettlement[]): Html {
  const { t, lang } = page;
  return html`<section aria-labelledby="settlement-heading" class="card">
    <h2 id="settlement-heading">${t("settlement")}</h2>
    ${
      settlements.length
        ? html`<div class="scroll" tabindex="0" role="region" aria-label="${t("settlementTable")}">
            <table id="settlement">
              <caption>
                ${t("settlementTable")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t("programme")}</th>
                  <th scope="col">${t("owed")}</th>
                  <th scope="col">${t("collectable")}</th>
                  <th scope="col">${t("heldByFlags")}</th>
                  <th scope="col">${t("collectedSoFar")}</th>
                </tr>
              </thead>
              <tbody>
                ${settlements.map(
                  (row) =>
                    html`<tr data-programme="${row.programmeId}">
                      <th scope="row">${digits(row.programmeId, lang)}</th>
                      <td class="num" data-money="owed">${amount(row.owed, lang)}</td>
                      <td class="num">${amount(row.collectable, lang)}</td>
                      <td class="num">${amount(row.held, lang)}</td>
                      <td class="num">${amount(row.collected, lang)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p>${t("noSettlement")}</p>`
    }
  </section>`;
}
