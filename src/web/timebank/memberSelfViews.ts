import { MAX_SERVICE_MINUTES, SERVICE_CATEGORIES } from "../../timebank";
import { digitsField, inputField } from "../formFields";
import { html, raw, type Html } from "../html";
import { digits } from "../i18n/format";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { qrSvg } from "../qr/qrSvg";

/**
 * The member's own code (its member reference, as text and a QR code), which it shows the volunteer who serves
 * it, and, for a wallet the gateway holds, the form to log a service it gave to the member whose code it was
 * shown; nothing moves until that member confirms it.
 */
export function ownServiceViews(
  page: PageState,
  memberRef: string,
  custodial: boolean,
  formKey: string,
): Html {
  const { t, lang } = page;
  const codeCard = html`<div class="card" id="member-code">
    <h3>${t("memberCode")}</h3>
    <p class="hint">${t("memberCodeHint")}</p>
    ${raw(qrSvg(memberRef, t("memberCode")))}
    <p dir="ltr"><code id="member-code-ref">${memberRef}</code></p>
  </div>`;
  if (!custodial) return codeCard;
  return html`<div class="cards">
    ${codeCard}
    <form method="post" action="/app/member/services" class="card" id="log-service-form">
      <h3>${t("memberGave")}</h3>
      <p class="hint" id="log-service-hint">${t("memberGaveHint")}</p>
      ${csrfField(page)}
      <input type="hidden" name="idempotencyKey" value="${formKey}-own-service" />
      ${inputField({
        id: "log-recipient",
        name: "recipient",
        label: t("memberRecipientCode"),
        ltr: true,
        required: true,
        describedBy: "log-service-hint",
      })}
      ${digitsField({
        id: "log-minutes",
        name: "minutes",
        label: `${t("tbMinutes")} (${digits(1, lang)}–${digits(MAX_SERVICE_MINUTES, lang)})`,
        required: true,
      })}
      <label for="log-category">${t("tbCategory")}</label>
      <select id="log-category" name="category">
        ${SERVICE_CATEGORIES.map((category) => html`<option value="${category}">${t(`category_${category}`)}</option>`)}
      </select>
      <button type="submit">${t("memberGaveSubmit")}</button>
    </form>
  </div>`;
}
