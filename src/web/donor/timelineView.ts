import type { ConfirmationKind } from "../../anchoring";
import { OTHER_REGION, type GiftTimeline } from "../../indexer";
import { html, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";
import { flowChart } from "./flowChart";

export interface TimelineContext {
  t: Texts;
  lang: Language;
  /** The `ReceiptAnchor` the page asks about roots (shown, so a donor can compare it with the published one). */
  anchorAddress: string;
}

/**
 * What /app/static/verify.js reads from the `#anchored` section: the anchor contract it asks and its
 * words in the page's language. Any page with Check or Verify buttons carries them.
 */
export function verifierAttributes({ t, lang, anchorAddress }: TimelineContext): Html {
  return html`data-anchor="${anchorAddress}" data-lang="${lang}" data-proof-ok="${t("v_proofOk")}"
  data-proof-wrong="${t("v_proofWrong")}" data-not-anchored="${t("v_notAnchored")}"
  data-tx-ok="${t("v_txOk")}" data-tx-bad="${t("v_txBad")}" data-error="${t("v_error")}"
  data-count="${t("v_count")}" data-pending="${t("verifyPending")}"`;
}

/**
 * A transaction with its *Check on chain* button (wired by verify.js, which reads the receipt from the chain
 * itself) and the output the answer is written to.
 */
export function txCheck(
  { t, lang }: Pick<TimelineContext, "t" | "lang">,
  txHash: string,
  blockNumber: number,
  resultId: string,
): Html {
  return html`${t("transaction")} ${hash(txHash)} · ${t("block")} ${digits(blockNumber, lang)}
    <button
      type="button"
      class="verify-tx"
      data-tx="${txHash}"
      data-block="${blockNumber}"
      aria-describedby="${resultId}"
    >
      ${t("verifyTx")}
    </button>
    <output id="${resultId}" aria-live="polite"></output>`;
}

const hash = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;

/**
 * A gift's timeline: the summary, the money-flow chart and its table, the deliveries with their
 * transactions, the coarse regions, and the anchored confirmations with their proofs. The Check and Verify
 * buttons are wired by /app/static/verify.js, which asks the chain itself (see that file).
 */
export function timelineView(timeline: GiftTimeline, { t, lang, anchorAddress }: TimelineContext): Html {
  const summary = html`<table class="summary">
    <tbody>
      <tr>
        <th scope="row">${t("programme")}</th>
        <td>${timeline.programmeName ?? ""} (${digits(timeline.programmeId, lang)})</td>
      </tr>
      <tr>
        <th scope="row">${t("given")}</th>
        <td>${amount(timeline.given.amount, lang)} · ${dateTime(timeline.given.at, lang)}</td>
      </tr>
      <tr>
        <th scope="row">${t("held")}</th>
        <td>${amount(timeline.held.amount, lang)}</td>
      </tr>
      <tr>
        <th scope="row">${t("redeemed")}</th>
        <td>${amount(timeline.redeemed.amount, lang)}</td>
      </tr>
      <tr>
        <th scope="row">${t("refunded")}</th>
        <td>${amount(timeline.refunded.amount, lang)}</td>
      </tr>
      <tr>
        <th scope="row">${t("reallocated")}</th>
        <td>${amount(timeline.reallocated.amount, lang)}</td>
      </tr>
      <tr>
        <th scope="row">${t("issued")}</th>
        <td>
          ${amount(timeline.entitlementsIssued.amount, lang)} ·
          ${count(timeline.entitlementsIssued.households, lang)} ${t("householdsCount")}
        </td>
      </tr>
      <tr>
        <th scope="row">${t("indexedThrough")}</th>
        <td>${timeline.indexedThroughBlock === null ? "—" : digits(timeline.indexedThroughBlock, lang)}</td>
      </tr>
    </tbody>
  </table>`;

  const deliveries = timeline.deliveries.length
    ? html`<div class="scroll">
        <table>
          <caption>
            ${t("deliveriesShown")} (${count(timeline.deliveryCount, lang)})
          </caption>
          <thead>
            <tr>
              <th scope="col">${t("when")}</th>
              <th scope="col">${t("vendor")}</th>
              <th scope="col">${t("amount")}</th>
              <th scope="col">${t("status")}</th>
              <th scope="col">${t("proof")}</th>
            </tr>
          </thead>
          <tbody>
            ${timeline.deliveries.map(
              (delivery, i) =>
                html`<tr>
                  <td>${dateTime(delivery.at, lang)}</td>
                  <td>${delivery.vendorName ?? hash(delivery.vendor)}</td>
                  <td class="num">${amount(delivery.amount, lang)}</td>
                  <td>${t(`status_${delivery.status}`)}</td>
                  <td>${txCheck({ t, lang }, delivery.txHash, delivery.blockNumber, `tx-result-${i}`)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    : html`<p>${t("noDeliveries")}</p>`;

  const regions = html`<table>
    <caption>
      ${t("regions")}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t("region")}</th>
        <th scope="col">${t("households")}</th>
      </tr>
    </thead>
    <tbody>
      ${timeline.households.regions.map(
        (region) =>
          html`<tr>
            <th scope="row">
              ${region.region === OTHER_REGION ? t("regionOther") : digits(region.region, lang)}
            </th>
            <td class="num">${count(region.households, lang)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;

  const anchored = timeline.anchoredConfirmations;
  const confirmations = anchored.latest.length
    ? html`<div class="scroll">
        <table>
          <caption>
            ${t("anchored")} (${count(anchored.count, lang)})
          </caption>
          <thead>
            <tr>
              <th scope="col">${t("when")}</th>
              <th scope="col">${t("kind")}</th>
              <th scope="col">${t("root")}</th>
              <th scope="col">${t("proof")}</th>
            </tr>
          </thead>
          <tbody>
            ${anchored.latest.map(
              (proof, i) =>
                html`<tr>
                  <td>${dateTime(proof.deliveredAt, lang)}</td>
                  <td>${t(`kind_${proof.kind as ConfirmationKind}`)}</td>
                  <td>${hash(proof.root)}</td>
                  <td>
                    <button
                      type="button"
                      class="verify-proof"
                      data-root="${proof.root}"
                      data-hash="${proof.confirmationHash}"
                      data-proof="${proof.proof.join(",")}"
                      aria-describedby="proof-result-${i}"
                    >
                      ${t("verify")}
                    </button>
                    <output id="proof-result-${i}" aria-live="polite"></output>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    : html`<p>${t("noAnchored")}</p>`;

  return html`${summary} ${flowChart(timeline, t, lang)}
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">${t("deliveries")}</h2>
      ${deliveries}
    </section>
    <section aria-labelledby="regions-heading">
      <h2 id="regions-heading">${t("households")}</h2>
      ${regions}
    </section>
    <section
      aria-labelledby="anchored-heading"
      id="anchored"
      ${verifierAttributes({ t, lang, anchorAddress })}
    >
      <h2 id="anchored-heading">${t("anchored")}</h2>
      <p>${t("anchoredIntro")}</p>
      <p>${t("anchorContract")}: <code>${anchorAddress}</code></p>
      <noscript><p>${t("needsScript")}</p></noscript>
      ${confirmations}
    </section>`;
}
