import type { MemberLoginLink } from "../../timebank";
import { html, raw, type Html } from "../html";
import { dateTime } from "../i18n/format";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";
import { qrSvg } from "../qr/qrSvg";

/**
 * The coordinator's form that makes a member a one-time sign-in link, and, on the page that answers it, the
 * link itself (its full address and a QR code the member scans), shown once: only its keyed hash is kept.
 */
export function loginLinkView(
  page: PageState,
  memberRef: string,
  options: { made?: Omit<MemberLoginLink, "path"> & { url: string | null }; canText: boolean },
): Html {
  const { t, lang } = page;
  const { made } = options;
  const until = made ? dateTime(made.expiresAt, lang) : "";
  const shown = !made
    ? ""
    : made.url === null
      ? html`<p class="notice" role="status" id="login-link">
          ${t("tbLoginLinkTexted").replace("{time}", until)}
        </p>`
      : html`<div class="notice" role="status" id="login-link">
          <p>${t("tbLoginLinkMade").replace("{time}", until)}</p>
          <p dir="ltr"><code id="login-link-url">${made.url}</code></p>
          ${raw(qrSvg(made.url, t("tbLoginLinkQr")))}
        </div>`;
  return html`<p class="hint">${t("tbLoginLinkIntro")}</p>
    ${shown}
    <form
      method="post"
      action="/app/timebank/members/${memberRef}/login-link"
      class="card"
      id="login-link-form"
    >
      ${csrfField(page)}
      <button type="submit" name="send" value="show">${t("tbLoginLinkMake")}</button>
      ${
        options.canText
          ? html`<button type="submit" name="send" value="sms" class="secondary">
              ${t("tbLoginLinkText")}
            </button>`
          : ""
      }
    </form>`;
}
