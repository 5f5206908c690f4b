import type { DeliveryView } from "../../delivery";
import type { DuplicateReview } from "../../households";
import type { ProgrammeView } from "../../programmes";
import { html, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash } from "../i18n/format";
import { itemName } from "../i18n/items";
import type { TextKey } from "../i18n/texts";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { fundsView } from "./fundsView";

const ref = (value: string | null) => (value ? html`<code title="${value}">${shortHash(value)}</code>` : "—");

/** Each programme with its status, its money (chart and table) and the link to its under-coverage. */
export function programmeCards(
  page: Pick<PageState, "t" | "lang">,
  programmes: readonly ProgrammeView[],
  decimals: number,
): Html {
  const { t, lang } = page;
  if (!programmes.length) return html`<p>${t("noProgrammes")}</p>`;
  return html`${programmes.map(
    (programme) =>
      html`<section class="card" aria-labelledby="programme-${programme.programmeId}">
        <h3 id="programme-${programme.programmeId}">
          ${programme.name} (${digits(programme.programmeId, lang)}) ·
          <span class="${programme.paused ? "state-refused" : "state-redeemed"}"
            >${programme.paused ? t("paused") : t("running")}</span
          >
        </h3>
        <p class="hint">
          ${t("gifts")}: ${count(programme.gifts, lang)} · ${t("period")}:
          ${digits(programme.currentPeriod, lang)} · ${dateTime(programme.startsAt, lang)} –
          ${dateTime(programme.endsAt, lang)}
        </p>
        ${fundsView(page, programme, decimals)}
        <p>
          <a href="/app/charity/programmes/${programme.programmeId}/coverage"
            >${t("underCoverage")} ${digits(programme.programmeId, lang)}</a
          >
        </p>
      </section>`,
  )}`;
}

/** The duplicates the charity's imports left for a person: who (by reference), where, and why. */
export function reviewList(
  page: PageState,
  reviews: readonly (DuplicateReview & { importId: string })[],
): Html {
  const { t, lang } = page;
  if (!reviews.length) return html`<p>${t("noReviews")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("reviews")}">
    <table id="reviews">
      <caption>
        ${t("reviews")} (${count(reviews.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("import")}</th>
          <th scope="col">${t("row")}</th>
          <th scope="col">${t("reason")}</th>
          <th scope="col">${t("member")}</th>
          <th scope="col">${t("existingHousehold")}</th>
          <th scope="col">${t("proposedHousehold")}</th>
          <th scope="col">${t("reviewDecision")}</th>
        </tr>
      </thead>
      <tbody>
        ${reviews.map(
          (review) =>
            html`<tr>
              <td>${ref(review.importId)} · ${dateTime(review.createdAt, lang)}</td>
              <td class="num">${digits(review.rowNo, lang)}</td>
              <td>${reviewReason(page, review.reason)}</td>
              <td>${ref(review.beneficiaryRef)}</td>
              <td>${ref(review.existingHouseholdRef)}</td>
              <td>${ref(review.proposedHouseholdRef)}</td>
              <td>${reviewForm(page, review)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const REVIEW_REASONS = ["enrolled_elsewhere", "repeated_in_household", "household_already_enrolled"];
function reviewReason(page: Pick<PageState, "t">, reason: string): string {
  return REVIEW_REASONS.includes(reason) ? page.t(`review_${reason}` as TextKey) : reason;
}

/** Deliveries of the charity's programmes a household disputed, with where the flag stands. */
export function disputeList(page: Pick<PageState, "t" | "lang">, deliveries: readonly DeliveryView[]): Html {
  const { t, lang } = page;
  if (!deliveries.length) return html`<p>${t("noDisputes")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("disputes")}">
    <table id="disputes">
      <caption>
        ${t("disputes")} (${count(deliveries.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("when")}</th>
          <th scope="col">${t("programme")}</th>
          <th scope="col">${t("amount")}</th>
          <th scope="col">${t("state")}</th>
          <th scope="col">${t("flag")}</th>
        </tr>
      </thead>
      <tbody>
        ${deliveries.map(
          (delivery) =>
            html`<tr data-delivery="${delivery.deliveryId}">
              <td>${dateTime(delivery.createdAt, lang)}</td>
              <td>${digits(delivery.programmeId, lang)} · ${itemName(delivery.item, lang)}</td>
              <td class="num">${amount(delivery.amount, lang)}</td>
              <td>${t(`state_${delivery.state}`)}</td>
              <td>${t(`flag_${delivery.flag}`)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * A review's decision buttons: merge (a person already enrolled elsewhere only: they stay in the existing
 * household) and reject (the row was a mistake in the file). One form, the button names the decision; from
 * an import's page, the answer goes back to that page.
 */
export function reviewForm(
  page: PageState,
  review: DuplicateReview & { importId: string },
  fromImport = false,
): Html {
  const { t, lang } = page;
  const label = `${t("row")} ${digits(review.rowNo, lang)}`;
  return html`<form
    method="post"
    action="/app/charity/reviews/${review.importId}/${review.rowNo}"
    class="change"
    aria-label="${t("reviewDecision")}: ${label}"
  >
    ${csrfField(page)} ${fromImport ? html`<input type="hidden" name="back" value="import" />` : ""}
    ${
      review.reason === "enrolled_elsewhere"
        ? html`<button type="submit" name="decision" value="merge">${t("reviewMerge")}</button>`
        : ""
    }
    <button type="submit" name="decision" value="reject">${t("reviewReject")}</button>
  </form>`;
}
