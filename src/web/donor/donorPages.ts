import type { Request, Response, Router } from "express";
import { giftOfReceiptCode, giftTimeline, readableGift, type IndexerDeps } from "../../indexer";
import { ValidationError } from "../../errors";
import { html } from "../html";
import { digits } from "../i18n/format";
import { csrfField, errorBox, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import { timelineView } from "./timelineView";

export interface DonorPageServices {
  indexer: IndexerDeps;
  /** The `ReceiptAnchor` contract whose roots the page asks the chain about. */
  anchorAddress: string;
}

/** The roles that may read a gift by its id, as `GET /v1/gifts/{giftId}/timeline`. */
const GIFT_READERS = ["donor", "charity", "auditor", "regulator"] as const;
const GIFT_ID = /^[1-9][0-9]{0,15}$/;

function lookupForms(req: Request, res: Response, error?: { message: string; field?: string }, status = 200) {
  const page = pageOf(res);
  const { t } = page;
  const giftForm = page.session
    ? html`<form method="get" action="/app/donor/gift" class="card">
        <h2>${t("byGiftId")}</h2>
        <label for="giftId">${t("giftId")}</label>
        <input id="giftId" name="giftId" inputmode="numeric" pattern="[0-9]*" required autocomplete="off" />
        <button type="submit">${t("showTimeline")}</button>
      </form>`
    : html`<div class="card">
        <h2>${t("byGiftId")}</h2>
        <p>${t("signInForGiftId")}</p>
        <p><a href="/app/login?next=/app/donor">${t("login")}</a></p>
      </div>`;
  renderPage(req, res, {
    title: t("donorTitle"),
    status,
    body: html`<p>${t("donorIntro")}</p>
      ${errorBox(page, error)}
      <div class="cards">
        ${giftForm}
        <form method="post" action="/app/donor/receipt" class="card">
          <h2>${t("byReceipt")}</h2>
          ${csrfField(page)}
          <label for="code">${t("receiptCode")}</label>
          <input id="code" name="code" required autocomplete="off" spellcheck="false" dir="ltr" />
          <label for="secret">${t("receiptSecret")}</label>
          <input
            id="secret"
            name="secret"
            type="password"
            required
            autocomplete="off"
            aria-describedby="secret-hint"
            dir="ltr"
          />
          <p class="hint" id="secret-hint">${t("receiptSecretHint")}</p>
          <button type="submit">${t("showTimeline")}</button>
        </form>
      </div>`,
  });
}

/**
 * The donor's pages: the lookup forms (gift id for a signed-in reader, receipt code and secret for a cash
 * donor, sent by POST so the secret stays out of addresses and logs) and the gift's timeline.
 */
export function registerDonorPages(router: Router, services: DonorPageServices): void {
  const showTimeline = (req: Request, res: Response, gift: ReturnType<typeof readableGift>) => {
    const page = pageOf(res);
    const timeline = giftTimeline(services.indexer, gift);
    renderPage(req, res, {
      title: `${page.t("timelineTitle")} ${digits(timeline.giftId, page.lang)}`,
      scripts: ["keccak.js", "verify.js"],
      body: timelineView(timeline, { t: page.t, lang: page.lang, anchorAddress: services.anchorAddress }),
    });
  };

  router.get("/app/donor", (req, res) => lookupForms(req, res));

  router.get("/app/donor/gift", requirePageRole(...GIFT_READERS), (req, res) => {
    const giftId = typeof req.query.giftId === "string" ? req.query.giftId.trim() : "";
    if (!GIFT_ID.test(giftId)) {
      const error = new ValidationError("giftId", "invalid_id", "Enter the gift id in plain decimal digits.");
      return lookupForms(req, res, { message: error.message, field: error.field }, 400);
    }
    const session = pageOf(res).session!;
    showTimeline(req, res, readableGift(services.indexer.db, Number(giftId), session));
  });

  router.post("/app/donor/receipt", requireCsrf, (req, res) => {
    const code = typeof req.body.code === "string" ? req.body.code.trim() : "";
    const secret = typeof req.body.secret === "string" ? req.body.secret.trim() : "";
    showTimeline(req, res, giftOfReceiptCode(services.indexer, code, secret));
  });
}

export { lookupForms as donorLookupPage };
