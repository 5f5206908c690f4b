import type { ConfirmationKind } from "../../anchoring";
import { OTHER_REGION, type GiftTimeline } from "../../indexer";
import { html, type Html } from "../html";
import { amount, count, dateTime, digits, shortHash, type Language } from "../i18n/format";
import type { Texts } from "../i18n/texts";
import { flowChart } from "./flowChart";

/**
 * The contracts the in-browser checks ask (each shown on the page, so a reader can compare it with the
 * consortium's published addresses), lower-case.
 */
export interface VerifiedContracts {
  /** The `ReceiptAnchor` asked about Merkle roots. */
  anchor: string;
  /** The `AidLedger` whose DeliveryRedeemed events, EIP-712 domain and redeem calls are checked. */
  ledger: string;
  /** The `BeneficiaryRegistry` asked which wallet a beneficiary has in a household. */
  registry: string;
  /** The `PremiumMandates` asked whether a standing mandate covers a receipt. */
  mandates: string;
}

export interface TimelineContext {
  t: Texts;
  lang: Language;
  contracts: VerifiedContracts;
}

/**
 * What /app/static/verify.js reads from the `#anchored` section: the contracts it asks and its words in the
 * page's language. Any page with Check or Verify buttons carries them.
 */
export function verifierAttributes({ t, lang, contracts }: TimelineContext): Html {
  return html`data-anchor="${contracts.anchor}" data-ledger="${contracts.ledger}"
  data-registry="${contracts.registry}" data-mandates="${contracts.mandates}" data-lang="${lang}"
  data-proof-ok="${t("v_proofOk")}" data-proof-wrong="${t("v_proofWrong")}"
  data-not-anchored="${t("v_notAnchored")}" data-tx-ok="${t("v_txOk")}" data-tx-bad="${t("v_txBad")}"
  data-error="${t("v_error")}" data-count="${t("v_count")}" data-pending="${t("verifyPending")}"
  data-pass="${t("v_pass")}" data-fail="${t("v_fail")}" data-delivery-ok="${t("v_deliveryOk")}"
  data-delivery-bad="${t("v_deliveryBad")}" data-event-ok="${t("v_eventOk")}"
  data-event-bad="${t("v_eventBad")}" data-digest-ok="${t("v_digestOk")}"
  data-digest-bad="${t("v_digestBad")}" data-sig-ok="${t("v_sigOk")}"
  data-sig-contract="${t("v_sigContract")}" data-sig-mandate="${t("v_sigMandate")}"
  data-sig-previous="${t("v_sigPrevious")}" data-sig-bad="${t("v_sigBad")}"`;
}

/** The ledger and registry the delivery checks ask, as the page states them. */
export function verifiedContractsNote({ t, contracts }: TimelineContext): Html {
  return html`<p class="hint">
    ${t("ledgerContract")}: <code>${contracts.ledger}</code> · ${t("registryContract")}:
    <code>${contracts.registry}</code>
  </p>`;
}

/**
 * A transaction with its *Check on chain* button (wired by verify.js, which reads the receipt from the chain
 * itself) and the output the answer is written to. With a redemption, the button checks the delivery
 * itself as well (its event, its receipt's digest recomputed in the browser and its signature's signer
 * against the registry), each check's result in the list after the output.
 */
export function txCheck(
  { t, lang }: Pick<TimelineContext, "t" | "lang">,
  txHash: string,
  blockNumber: number,
  resultId: string,
  redemption?: { redemptionId: string; vendor?: string },
): Html {
  return html`${t("transaction")} ${hash(txHash)} · ${t("block")} ${digits(blockNumber, lang)}
    <button
      type="button"
      class="verify-tx"
      data-tx="${txHash}"
      data-block="${blockNumber}"
      ${redemption ? html`data-redemption="${redemption.redemptionId}"` : ""}
      ${redemption?.vendor ? html`data-vendor="${redemption.vendor}"` : ""}
      aria-describedby="${resultId}"
    >
      ${t("verifyTx")}
    </button>
    <output id="${resultId}" aria-live="polite"></output>
    ${redemption ? html`<ul class="checks" id="${resultId}-checks" hidden></ul>` : ""}`;
}

const hash = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;

/**
 * A gift's timeline: the summary, the money-flow chart and its table, the deliveries with their
 * transactions, the coarse regions, and the anchored confirmations with their proofs. The Check and Verify
 * buttons are wired by /app/static/verify.js, which asks the chain itself (see that file).
 */
export function timelineView(timeline: GiftTimeline, context: TimelineContext): Html {
  const { t, lang, contracts } = context;
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
                  <td class="proof-cell">
                    ${txCheck({ t, lang }, delivery.txHash, delivery.blockNumber, `tx-result-${i}`, delivery)}
                  </td>
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
      ${timeline.deliveries.length ? verifiedContractsNote(context) : ""} ${deliveries}
    </section>
    <section aria-labelledby="regions-heading">
      <h2 id="regions-heading">${t("households")}</h2>
      ${regions}
    </section>
    <section aria-labelledby="anchored-heading" id="anchored" ${verifierAttributes(context)}>
      <h2 id="anchored-heading">${t("anchored")}</h2>
      <p>${t("anchoredIntro")}</p>
      <p>${t("anchorContract")}: <code>${contracts.anchor}</code></p>
      <noscript><p>${t("needsScript")}</p></noscript>
      ${confirmations}
    </section>`;
}
