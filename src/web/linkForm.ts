import type { Request, Response } from "express";
import { html } from "./html";
import type { TextKey } from "./i18n/texts";
import { csrfField, errorBox, renderPage } from "./layout";
import { pageOf } from "./pageState";

/** The words and the target of one kind of one-time link's page. */
export interface LinkFormWords {
  title: TextKey;
  intro: TextKey;
  token: TextKey;
  submit: TextKey;
  /** Where the form posts the token. */
  action: string;
}

/**
 * A one-time link's page (an organisation's or a time-bank member's): a form with the code (filled from the
 * address's fragment by login-link.js, or pasted) and a button that posts it, so opening the link (a preview, a
 * prefetch) spends nothing. A refusal is shown above the form, naming `token`, with its status.
 */
export function renderLinkForm(
  req: Request,
  res: Response,
  words: LinkFormWords,
  refused?: { status: number; message: string },
): void {
  const page = pageOf(res);
  const { t } = page;
  renderPage(req, res, {
    title: t(words.title),
    status: refused?.status ?? 200,
    scripts: ["login-link.js"],
    body: html`<p>${t(words.intro)}</p>
      ${errorBox(page, refused ? { message: refused.message, field: "token" } : undefined)}
      <form method="post" action="${words.action}" class="card">
        ${csrfField(page)}
        <label for="linkToken">${t(words.token)}</label>
        <input
          id="linkToken"
          name="token"
          required
          autocomplete="off"
          spellcheck="false"
          dir="ltr"
          ${refused ? html` aria-invalid="true" aria-describedby="form-error"` : ""}
        />
        <button type="submit" id="linkSubmit">${t(words.submit)}</button>
      </form>`,
  });
}
