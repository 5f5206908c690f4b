import type { RegisteredWebhook } from "../../indexer";
import { html, type Html } from "../html";
import { digits } from "../i18n/format";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";

/** The page's own stream of a gift's events (a session or a receipt grant reads it, never a key). */
export const giftEventsPath = (giftId: number) => `/app/donor/gifts/${giftId}/events`;

/**
 * The live notices of a gift's page: /app/static/follow.js opens the gift's event stream after the last
 * event the page already shows (`data-after`) and writes a notice for each new one into the status region,
 * in the page's language (the words are carried here, the amount formatted by the browser's `Intl`).
 */
export function liveNotices(page: Pick<PageState, "t" | "lang">, giftId: number, lastEventId?: string): Html {
  const { t, lang } = page;
  return html`<section
    aria-labelledby="live-heading"
    id="live"
    data-events="${giftEventsPath(giftId)}"
    data-after="${lastEventId ?? ""}"
    data-lang="${lang}"
    data-following="${t("liveFollowing")}"
    data-stopped="${t("liveStopped")}"
    data-delivered="${t("notice_delivered")}"
    data-refunded="${t("notice_refunded")}"
    data-reallocated="${t("notice_reallocated")}"
    data-reversed="${t("notice_reversed")}"
  >
    <h2 id="live-heading">${t("liveHeading")}</h2>
    <p>${t("liveIntro")}</p>
    <noscript><p>${t("liveNeedsScript")}</p></noscript>
    <p class="hint" id="live-state"></p>
    <div id="live-notices" role="status" aria-live="polite"></div>
  </section>`;
}

/** A signed-in donor's form to register a webhook for this gift or all its gifts (the API's use-case). */
export function webhookForm(page: PageState, giftId: number, error?: { field?: string }): Html {
  const { t } = page;
  const invalid = error?.field === "url";
  return html`<section aria-labelledby="webhook-heading">
    <h2 id="webhook-heading">${t("webhookHeading")}</h2>
    <p>${t("webhookIntro")}</p>
    <form method="post" action="/app/donor/webhooks" class="card">
      ${csrfField(page)}
      <input type="hidden" name="giftId" value="${giftId}" />
      <label for="webhookUrl">${t("webhookUrl")}</label>
      <input
        id="webhookUrl"
        name="url"
        type="url"
        required
        autocomplete="off"
        spellcheck="false"
        dir="ltr"
        ${invalid ? html` aria-invalid="true" aria-describedby="form-error"` : ""}
      />
      <fieldset>
        <legend>${t("webhookScope")}</legend>
        <label><input type="radio" name="scope" value="gift" checked /> ${t("webhookThisGift")}</label>
        <label><input type="radio" name="scope" value="all" /> ${t("webhookAllGifts")}</label>
      </fieldset>
      <button type="submit">${t("webhookRegister")}</button>
    </form>
  </section>`;
}

/** The answer to the form: the webhook and its signing secret, shown this once. */
export function webhookRegistered(
  page: Pick<PageState, "t" | "lang">,
  webhook: RegisteredWebhook,
  backGiftId: number,
): Html {
  const { t, lang } = page;
  return html`<p class="notice" role="status">${t("webhookRegisteredTitle")}</p>
    <table class="summary">
      <tbody>
        <tr>
          <th scope="row">${t("webhookId")}</th>
          <td><code>${webhook.webhookId}</code></td>
        </tr>
        <tr>
          <th scope="row">${t("webhookUrl")}</th>
          <td dir="ltr">${webhook.url}</td>
        </tr>
        <tr>
          <th scope="row">${t("webhookScope")}</th>
          <td>${webhook.giftId === null ? t("webhookAllGifts") : digits(webhook.giftId, lang)}</td>
        </tr>
        <tr>
          <th scope="row">${t("webhookSecret")}</th>
          <td><code id="webhook-secret" dir="ltr">${webhook.secret}</code></td>
        </tr>
      </tbody>
    </table>
    <p class="hint">${t("webhookSecretHint")}</p>
    <p><a href="/app/donor/gift?giftId=${backGiftId}">${t("backToGift")}</a></p>`;
}
