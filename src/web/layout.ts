import type { Request, Response } from "express";
import { html, type Html } from "./html";
import { refusalWords, type Refusal } from "./i18n/refusals";
import type { TextKey } from "./i18n/texts";
import type { PageState } from "./pageState";
import { pageOf } from "./pageState";

export interface PageOptions {
  title: string;
  body: Html;
  /** Static scripts of this page, by file name under /app/static/. */
  scripts?: string[];
  status?: number;
}

/** A form's "true" / "false" as the boolean a schema expects; anything else is passed on for it to refuse. */
export const formFlag = (value: string) =>
  (value === "true" ? true : value === "false" ? false : value) as boolean;

/** A hidden field with the visitor's CSRF token: every POST form includes it. */
export const csrfField = (page: PageState) =>
  html`<input type="hidden" name="csrf" value="${page.csrfToken}" />`;

/** Where the language switch sends the visitor back: the page itself, for a GET page under /app. */
function backPath(req: Request): string {
  if (req.method === "GET") return req.originalUrl;
  // A form's answer (a refusal, a receipt's timeline) has no address of its own: back to where it was sent from.
  const delivery = /^\/app\/(vendor|auditor)\/deliveries\/dlv_[0-9a-f-]{36}/.exec(req.path);
  if (delivery) return delivery[0];
  const member = /^\/app\/timebank\/members\/0x[0-9a-f]{64}/.exec(req.path);
  if (member) return member[0];
  const mandate = /^\/app\/insurer\/mandates\/mdt_[0-9a-f-]{36}/.exec(req.path);
  if (mandate) return mandate[0];
  for (const page of [
    "/app/insurer",
    "/app/vendor",
    "/app/donor",
    "/app/regulator",
    "/app/timebank",
    "/app/charity",
  ])
    if (req.path.startsWith(page)) return page;
  return "/app";
}

/**
 * The frame of every page: language and direction, skip link, navigation, who is signed in, the language
 * switch (a POST form, so it carries the CSRF token), the content, and the page's scripts (static files).
 */
export function renderPage(req: Request, res: Response, options: PageOptions): void {
  const page = pageOf(res);
  const { t, lang, session } = page;
  const other = lang === "fa" ? "en" : "fa";
  const account = session
    ? html`<span>${t("signedInAs")} <strong>${t(`role_${session.role}`)}</strong></span>
        <form method="post" action="/app/logout" class="inline">
          ${csrfField(page)} <button type="submit">${t("logout")}</button>
        </form>`
    : html`<a href="/app/login">${t("login")}</a>`;
  const body = html`<!doctype html>
    <html lang="${lang}" dir="${lang === "fa" ? "rtl" : "ltr"}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · ${t("appName")}</title>
        <link rel="stylesheet" href="/app/static/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">${t("skipToContent")}</a>
        <header class="top">
          <nav aria-label="${t("appName")}">
            <a href="/app" class="brand">${t("appName")}</a>
            <a href="/app/donor">${t("donorPage")}</a>
            <a href="/app/vendor">${t("vendorPage")}</a>
            <a href="/app/insurer">${t("insurerPage")}</a>
            <a href="/app/charity">${t("charityPage")}</a>
            <a href="/app/timebank">${t("timebankPage")}</a>
            <a href="/app/regulator">${t("regulatorPage")}</a>
            <a href="/app/auditor">${t("auditorPage")}</a>
          </nav>
          <div class="account">
            ${account}
            <form method="post" action="/app/language" class="inline">
              ${csrfField(page)}
              <input type="hidden" name="lang" value="${other}" />
              <input type="hidden" name="back" value="${backPath(req)}" />
              <button type="submit" lang="${other}" title="${t("switchToLang")}">${t("switchTo")}</button>
            </form>
          </div>
        </header>
        <main id="main" tabindex="-1">
          <h1>${options.title}</h1>
          ${options.body}
        </main>
        ${(options.scripts ?? []).map((name) => html`<script src="/app/static/${name}" defer></script>`)}
      </body>
    </html>`;
  res
    .status(options.status ?? 200)
    .type("html")
    .set("Cache-Control", "no-store")
    .send(body.value);
}

/**
 * A field's error message, tied to the field for screen readers (`aria-describedby`). A use-case's refusal
 * (an `AppError`: it has a status) is said in the page's language by its code, with the page's own words
 * for its codes first (`pageWords`); a plain message is the page's own words already.
 */
export function errorBox(
  page: PageState,
  error: Refusal | { message: string; field?: string } | undefined,
  pageWords?: Readonly<Record<string, TextKey>>,
): Html {
  if (!error) return html``;
  const message = "status" in error ? refusalWords(page, error, pageWords) : error.message;
  return html`<div class="error" role="alert" id="form-error">
    <p>${message}</p>
    ${error.field ? html`<p>${page.t("errorField")}: <code>${error.field}</code></p>` : ""}
  </div>`;
}
