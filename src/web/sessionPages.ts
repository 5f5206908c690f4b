import type { Database } from "better-sqlite3";
import type { Request, Response, Router } from "express";
import {
  createWebSession,
  endWebSession,
  findApiKey,
  LOGIN_LINK_PATH,
  redeemLoginLink,
  WEB_SESSION_TTL_MS,
  type LoginLinkRefusal,
  type Principal,
} from "../apiKeys";
import type { PepperRing } from "../identity";
import { LANGUAGE_COOKIE, readCookies, SESSION_COOKIE, setCookie } from "./cookies";
import { html } from "./html";
import { LANGUAGES } from "./i18n/format";
import { csrfField, errorBox, renderPage } from "./layout";
import { renderLinkForm } from "./linkForm";
import { pageOf, requireCsrf } from "./pageState";

/** Only paths of the pages themselves: never another host (`//x`) nor a scheme. */
const SAFE_BACK = /^\/app(?:[/?][A-Za-z0-9_\-/.?=&%]*)?$/;
export const safeBack = (value: unknown, fallback = "/app") =>
  typeof value === "string" && SAFE_BACK.test(value) && !value.includes("..") ? value : fallback;

/** Where a role lands after signing in. */
export const HOME: Record<string, string> = {
  vendor: "/app/vendor",
  donor: "/app/donor",
  charity: "/app/charity",
  regulator: "/app/regulator",
  auditor: "/app/auditor",
};

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

function loginForm(req: Request, res: Response, failed = false) {
  const page = pageOf(res);
  const { t } = page;
  renderPage(req, res, {
    title: t("loginTitle"),
    status: failed ? 401 : 200,
    body: html`<p>${t("loginIntro")}</p>
      ${errorBox(page, failed ? { message: t("loginFailed"), field: "apiKey" } : undefined)}
      <form method="post" action="/app/login" class="card">
        ${csrfField(page)}
        <input type="hidden" name="next" value="${safeBack(req.query.next ?? req.body?.next, "")}" />
        <label for="apiKey">${t("apiKey")}</label>
        <input
          id="apiKey"
          name="apiKey"
          type="password"
          required
          autocomplete="off"
          spellcheck="false"
          dir="ltr"
          ${failed ? html` aria-invalid="true" aria-describedby="form-error"` : ""}
        />
        <button type="submit">${t("login")}</button>
      </form>
      <p class="hint">${t("loginLinkHint")}</p>`,
  });
}

/** What a refused link says, and its status: gone for good (used, expired) or never valid. */
const LINK_REFUSALS: Record<LoginLinkRefusal, number> = {
  unknown: 401,
  revoked: 401,
  used: 410,
  expired: 410,
};

/** The organisations' one-time link page (`renderLinkForm`), with a refusal's reason. */
function linkForm(req: Request, res: Response, refused?: LoginLinkRefusal) {
  const { t } = pageOf(res);
  renderLinkForm(
    req,
    res,
    {
      title: "linkTitle",
      intro: "linkIntro",
      token: "linkToken",
      submit: "linkSubmit",
      action: LOGIN_LINK_PATH,
    },
    refused && { status: LINK_REFUSALS[refused], message: t(`linkRefused_${refused}`) },
  );
}

/**
 * Sign in (an API key, or a one-time link's token, for a session cookie: HttpOnly, SameSite=Strict, Secure
 * on https, eight hours), sign out, and the language switch (a cookie for a year, HttpOnly too: no script reads it). All three are POST forms with the CSRF token.
 */
export function registerSessionPages(router: Router, db: Database, peppers: PepperRing): void {
  /** Ends the visitor's earlier session, if any, and opens one for `principal` (cookie only, never a URL). */
  const signIn = (req: Request, res: Response, principal: Principal) => {
    const previous = readCookies(req)[SESSION_COOKIE];
    if (previous !== undefined) endWebSession(db, previous);
    const { sessionId } = createWebSession(db, principal);
    setCookie(res, req, SESSION_COOKIE, sessionId, { maxAgeSeconds: WEB_SESSION_TTL_MS / 1000 });
  };

  router.get("/app/login", (req, res) => loginForm(req, res));

  router.post("/app/login", requireCsrf, (req, res) => {
    const key = typeof req.body.apiKey === "string" ? req.body.apiKey.trim() : "";
    const record = findApiKey(db, key);
    if (!record || record.revokedAt !== null) return loginForm(req, res, true);
    signIn(req, res, { keyId: record.id, orgId: record.orgId, role: record.role });
    res.redirect(303, safeBack(req.body.next, HOME[record.role] ?? "/app"));
  });

  // A one-time link: the token comes in the fragment (never to the server) and is posted in the body, so
  // it lands in no request line, log or Referer; spent once, then the same session cookie as a key's.
  router.get(LOGIN_LINK_PATH, (req, res) => linkForm(req, res));

  router.post(LOGIN_LINK_PATH, requireCsrf, (req, res) => {
    const token = typeof req.body.token === "string" ? req.body.token.trim() : "";
    const redeemed = redeemLoginLink(db, peppers, token);
    if (!redeemed.ok) return linkForm(req, res, redeemed.reason);
    signIn(req, res, redeemed.principal);
    res.redirect(303, HOME[redeemed.principal.role] ?? "/app");
  });

  router.post("/app/logout", requireCsrf, (req, res) => {
    const sessionId = readCookies(req)[SESSION_COOKIE];
    if (sessionId !== undefined) endWebSession(db, sessionId);
    setCookie(res, req, SESSION_COOKIE, "", { maxAgeSeconds: 0 });
    res.redirect(303, "/app");
  });

  router.post("/app/language", requireCsrf, (req, res) => {
    const lang = req.body.lang;
    if (!(LANGUAGES as readonly string[]).includes(lang)) {
      const page = pageOf(res);
      return renderPage(req, res, {
        title: page.t("errorTitle"),
        status: 400,
        body: errorBox(page, { message: "Choose fa or en.", field: "lang" }),
      });
    }
    setCookie(res, req, LANGUAGE_COOKIE, lang, { maxAgeSeconds: ONE_YEAR_SECONDS });
    res.redirect(303, safeBack(req.body.back));
  });

  router.get("/app", (req, res) => {
    const page = pageOf(res);
    const { t } = page;
    renderPage(req, res, {
      title: t("appName"),
      body: html`<p>${t("homeIntro")}</p>
        <ul class="links">
          <li><a href="/app/donor">${t("donorPage")}</a></li>
          <li><a href="/app/vendor">${t("vendorPage")}</a></li>
          <li><a href="/app/charity">${t("charityPage")}</a></li>
          <li><a href="/app/timebank">${t("timebankPage")}</a></li>
          <li><a href="/app/regulator">${t("regulatorPage")}</a></li>
          <li><a href="/app/auditor">${t("auditorPage")}</a></li>
          ${page.session ? "" : html`<li><a href="/app/login">${t("login")}</a></li>`}
        </ul>`,
    });
  });
}
