import type { Request, Response, Router } from "express";
import {
  giftOfReceiptCode,
  giftTimeline,
  lastGiftEventId,
  readableGift,
  receiptWatchGrant,
  registerWebhook,
  type IndexedGift,
  type IndexerDeps,
} from "../../indexer";
import { AppError, ValidationError } from "../../errors";
import { RECEIPT_WATCH_COOKIE, setCookie } from "../cookies";
import { html } from "../html";
import { digits } from "../i18n/format";
import { csrfField, errorBox, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import { GIFT_ID, GIFT_READERS } from "./giftReaders";
import { liveNotices, webhookForm, webhookRegistered } from "./followView";
import { registerGiftStreamPage } from "./giftStreamPage";
import { timelineView, type VerifiedContracts } from "./timelineView";

export interface DonorPageServices {
  indexer: IndexerDeps;
  /** The contracts the timeline's in-browser checks ask the chain about. */
  contracts: VerifiedContracts;
}

function lookupForms(req: Request, res: Response, error?: AppError, status = 200) {
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
 * donor, sent by POST so the secret stays out of addresses and logs), the gift's timeline with its live
 * notices (the page's own event stream, read with the session or the grant the receipt left in a cookie),
 * and a signed-in donor's webhook form, the use-case of `POST /v1/webhooks`.
 */
export function registerDonorPages(router: Router, services: DonorPageServices): void {
  const showTimeline = (req: Request, res: Response, gift: IndexedGift, webhookError?: AppError) => {
    const page = pageOf(res);
    const { t, lang } = page;
    const timeline = giftTimeline(services.indexer, gift);
    const lastEventId = lastGiftEventId(services.indexer.db, gift.giftId);
    renderPage(req, res, {
      title: `${t("timelineTitle")} ${digits(timeline.giftId, lang)}`,
      status: webhookError?.status ?? 200,
      scripts: ["keccak.js", "verify.js", "follow.js"],
      body: html`${errorBox(page, webhookError)}
      ${timelineView(timeline, { t, lang, contracts: services.contracts })}
      ${liveNotices(page, gift.giftId, lastEventId)}
      ${page.session?.role === "donor" ? webhookForm(page, gift.giftId, webhookError) : ""}`,
    });
  };

  router.get("/app/donor", (req, res) => lookupForms(req, res));

  router.get("/app/donor/gift", requirePageRole(...GIFT_READERS), (req, res) => {
    const giftId = typeof req.query.giftId === "string" ? req.query.giftId.trim() : "";
    if (!GIFT_ID.test(giftId)) {
      const error = new ValidationError("giftId", "invalid_id", "Enter the gift id in plain decimal digits.");
      return lookupForms(req, res, error, 400);
    }
    const session = pageOf(res).session!;
    showTimeline(req, res, readableGift(services.indexer.db, Number(giftId), session));
  });

  router.post("/app/donor/receipt", requireCsrf, (req, res) => {
    const code = typeof req.body.code === "string" ? req.body.code.trim() : "";
    const secret = typeof req.body.secret === "string" ? req.body.secret.trim() : "";
    const gift = giftOfReceiptCode(services.indexer, code, secret);
    // The live stream is read with this grant: the secret goes in no address, cookie or log.
    const { grant, maxAgeSeconds } = receiptWatchGrant(services.indexer, gift);
    setCookie(res, req, RECEIPT_WATCH_COOKIE, grant, { maxAgeSeconds });
    showTimeline(req, res, gift);
  });

  router.post("/app/donor/webhooks", requirePageRole("donor"), requireCsrf, (req, res) => {
    const session = pageOf(res).session!;
    const body = req.body as Record<string, unknown>;
    const giftId = typeof body.giftId === "string" ? body.giftId.trim() : "";
    if (!GIFT_ID.test(giftId)) {
      const error = new ValidationError("giftId", "invalid_id", "Enter the gift id in plain decimal digits.");
      return lookupForms(req, res, error, 400);
    }
    const gift = readableGift(services.indexer.db, Number(giftId), session);
    try {
      const created = registerWebhook(services.indexer, session, {
        url: typeof body.url === "string" ? body.url.trim() : "",
        giftId: body.scope === "all" ? undefined : gift.giftId,
      });
      const page = pageOf(res);
      renderPage(req, res, {
        title: page.t("webhookRegisteredTitle"),
        status: 201,
        body: webhookRegistered(page, created, gift.giftId),
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      showTimeline(req, res, gift, error);
    }
  });

  registerGiftStreamPage(router, services.indexer);
}

export { lookupForms as donorLookupPage };
