import type { DeliveryView } from "../delivery";
import { html, type Html } from "./html";
import { amount, dateTime, shortHash } from "./i18n/format";
import type { TextKey } from "./i18n/texts";
import type { PageState } from "./pageState";

/** A disputed delivery's path, as the charity's and the auditor's pages show it. */

/** The household's reason for a dispute, in the page's words. */
export function disputeReason(page: Pick<PageState, "t">, delivery: DeliveryView): string {
  const reason = delivery.dispute?.reason;
  return reason ? page.t(`reason_${reason}` as TextKey) : page.t("reasonUnknown");
}

/** The charity's answer, as given, in the page's words (with its evidence CID); "not answered" otherwise. */
export function answerText(page: Pick<PageState, "t" | "lang">, delivery: DeliveryView): Html {
  const answer = delivery.dispute?.answer;
  if (!answer) return html`${page.t("noAnswer")}`;
  return html`<span data-answer="${answer.answer}">${page.t(`answer_${answer.answer}`)}</span> ·
    ${dateTime(answer.answeredAt, page.lang)}
    ${answer.evidenceCid ? html`· <code>${answer.evidenceCid}</code>` : ""}`;
}

/**
 * The household's reason beside the charity's answer, the flag as the chain holds it and, once resolved,
 * where the held amount went, how much, the transaction and the report CID.
 */
export function disputeFacts(page: Pick<PageState, "t" | "lang">, delivery: DeliveryView): Html {
  const { t, lang } = page;
  const dispute = delivery.dispute;
  if (!dispute) return html``;
  const resolution = dispute.resolution;
  const hash = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;
  return html`<dl class="facts">
    <dt>${t("householdReason")}</dt>
    <dd data-reason="${dispute.reason ?? ""}">${disputeReason(page, delivery)}</dd>
    <dt>${t("charityAnswer")}</dt>
    <dd>${answerText(page, delivery)}</dd>
    <dt>${t("flag")}</dt>
    <dd data-flag="${delivery.flag}">${t(`flag_${delivery.flag}`)}</dd>
    ${
      resolution
        ? html`<dt>${t("resolution")}</dt>
            <dd id="resolution" data-returned-to="${resolution.returnedTo}">
              ${t(`returnedTo_${resolution.returnedTo}`)} · ${t("heldAmount")}:
              <span class="num">${amount(resolution.held, lang)}</span>
              ${resolution.txHash ? html`· ${hash(resolution.txHash)}` : html`· ${t("resolutionQueued")}`}
              ${resolution.reportCid ? html`· <code>${resolution.reportCid}</code>` : ""}
            </dd>
            <dt>${t("resolvedBy")}</dt>
            <dd>${t(`role_${resolution.resolverRole}`)} · ${dateTime(resolution.requestedAt, lang)}</dd>`
        : ""
    }
  </dl>`;
}
