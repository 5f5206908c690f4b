import { DISPUTE_ANSWERS, type DeliveryView } from "../../delivery";
import type { DuplicateReview } from "../../households";
import type { ProgrammeView } from "../../programmes";
import { html, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash } from "../i18n/format";
import { itemName } from "../i18n/items";
import type { TextKey } from "../i18n/texts";
import { inputField } from "../formFields";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { answerText, disputeFacts, disputeReason } from "../disputeFacts";
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

/**
 * Deliveries of the charity's programmes a household disputed: what, the household's reason, where the flag
 * stands, and the charity's answer, or the form to give it (the use-case of `POST .../dispute-answer`) while
 * the dispute is open.
 */
export function disputeList(page: PageState, deliveries: readonly DeliveryView[]): Html {
  const { t, lang } = page;
  if (!deliveries.length) return html`<p>${t("noDisputes")}</p>`;
  return html`<p class="hint" id="answer-how">${t("answerHow")}</p>
    <div class="scroll" tabindex="0" role="region" aria-label="${t("disputes")}">
      <table id="disputes">
        <caption>
          ${t("disputes")} (${count(deliveries.length, lang)})
        </caption>
        <thead>
          <tr>
            <th scope="col">${t("delivery")}</th>
            <th scope="col">${t("programme")}</th>
            <th scope="col">${t("amount")}</th>
            <th scope="col">${t("householdReason")}</th>
            <th scope="col">${t("state")}</th>
            <th scope="col">${t("flag")}</th>
            <th scope="col">${t("charityAnswer")}</th>
          </tr>
        </thead>
        <tbody>
          ${deliveries.map(
            (delivery) =>
              html`<tr data-delivery="${delivery.deliveryId}">
                <th scope="row">
                  <a href="/app/charity/deliveries/${delivery.deliveryId}" title="${delivery.redemptionId}"
                    >${shortHash(delivery.redemptionId)}</a
                  >
                  · ${dateTime(delivery.createdAt, lang)}
                </th>
                <td>${digits(delivery.programmeId, lang)} · ${itemName(delivery.item, lang)}</td>
                <td class="num">${amount(delivery.amount, lang)}</td>
                <td>${disputeReason(page, delivery)}</td>
                <td>${t(`state_${delivery.state}`)}</td>
                <td>${t(`flag_${delivery.flag}`)}</td>
                <td>${answerOrForm(page, delivery)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** The answer given, or the form to give it while the dispute is open (its flag not resolved on chain). */
function answerOrForm(page: PageState, delivery: DeliveryView): Html {
  const { t } = page;
  if (delivery.dispute?.answer || delivery.flag === "upheld" || delivery.flag === "dismissed")
    return answerText(page, delivery);
  const id = delivery.deliveryId;
  return html`<form
    method="post"
    action="/app/charity/disputes/${id}/answer"
    class="change"
    aria-label="${t("answerFor")} ${shortHash(delivery.redemptionId)}"
  >
    ${csrfField(page)}
    <label for="answer-${id}">${t("answerChoice")}</label>
    <select id="answer-${id}" name="answer" aria-describedby="answer-how">
      ${DISPUTE_ANSWERS.map((answer) => html`<option value="${answer}">${t(`answer_${answer}`)}</option>`)}
    </select>
    ${inputField({ id: `evidence-${id}`, name: "evidenceCid", label: t("evidenceCid"), ltr: true, maxLength: 100 })}
    <button type="submit">${t("answerSubmit")}</button>
  </form>`;
}

/**
 * One delivery of the charity's programmes: what, for how much, how it was accepted and where it stands and,
 * when a household disputed it, the dispute's path with the answer form while it is open.
 */
export function charityDelivery(page: PageState, delivery: DeliveryView): Html {
  const { t, lang } = page;
  return html`<dl class="facts" id="delivery">
      <dt>${t("redemptionId")}</dt>
      <dd><code>${delivery.redemptionId}</code></dd>
      <dt>${t("programme")}</dt>
      <dd>${digits(delivery.programmeId, lang)}</dd>
      <dt>${t("amount")}</dt>
      <dd class="num">${amount(delivery.amount, lang)}</dd>
      <dt>${t("item")}</dt>
      <dd>${itemName(delivery.item, lang)} × ${digits(delivery.quantity, lang)}</dd>
      <dt>${t("state")}</dt>
      <dd>${t(`state_${delivery.state}`)}</dd>
      <dt>${t("acceptedBy")}</dt>
      <dd>${delivery.acceptance ? t(`channel_${delivery.acceptance.channel}`) : "—"}</dd>
      <dt>${t("when")}</dt>
      <dd>${dateTime(delivery.createdAt, lang)}</dd>
    </dl>
    ${
      delivery.dispute
        ? html`<section id="dispute" aria-labelledby="dispute-heading">
            <h2 id="dispute-heading">${t("disputeHeading")}</h2>
            ${disputeFacts(page, delivery)}
            ${
              delivery.dispute.answer || delivery.flag === "upheld" || delivery.flag === "dismissed"
                ? ""
                : html`<p class="hint" id="answer-how">${t("answerHow")}</p>
                    ${answerOrForm(page, delivery)}`
            }
          </section>`
        : ""
    }
    <p><a href="/app/charity">${t("back")}</a></p>`;
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
