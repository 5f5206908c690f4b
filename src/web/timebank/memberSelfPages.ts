import { randomUUID, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response, Router } from "express";
import { AppError, NotFoundError } from "../../errors";
import { toAsciiDigits } from "../../identity";
import {
  confirmOwnService,
  donateOwn,
  endMemberSession,
  findMemberSession,
  logOwnService,
  MEMBER_LINK_PATH,
  MEMBER_SESSION_TTL_MS,
  MemberLinkRefusedError,
  openMemberSession,
  ownAccount,
  ownHistory,
  ownOpenServices,
  requestOwnSmsCode,
  type MemberSession,
  type TimeBankDeps,
} from "../../timebank";
import { MEMBER_COOKIE, readCookies, setCookie } from "../cookies";
import { html } from "../html";
import { digits } from "../i18n/format";
import type { TextKey } from "../i18n/texts";
import { csrfField, renderPage } from "../layout";
import { renderLinkForm } from "../linkForm";
import { CsrfRefusedError, pageOf, requireCsrf, type PageState } from "../pageState";
import { historyTable, memberChart, memberFacts, memberPendingTable, memberWord } from "./memberViews";
import { ownServiceViews } from "./memberSelfViews";
import { refusalBox } from "./refusal";
import { formOf } from "./timebankForm";

const SERVICE_ID = /^svc_[0-9a-f-]{36}$/;
const DONE: Record<string, TextKey> = {
  memberConfirmed: "tbMemberConfirmed",
  codeSent: "tbCodeSent",
  donated: "tbDonationDone",
  logged: "memberLogged",
};

declare global {
  namespace Express {
    interface Locals {
      /** A time-bank member's page session, from its cookie (`memberSessionOf`). */
      memberPage?: MemberSession;
    }
  }
}

/** The member's page session, or undefined; a stale cookie is cleared. */
function memberSessionOf(deps: TimeBankDeps, req: Request, res: Response): MemberSession | undefined {
  const token = readCookies(req)[MEMBER_COOKIE];
  if (token === undefined) return undefined;
  const session = findMemberSession(deps, token, deps.now());
  if (!session) setCookie(res, req, MEMBER_COOKIE, "", { maxAgeSeconds: 0 });
  return session;
}

/**
 * A time-bank member's own page: signed in by the one-time link its coordinator made (the token in the
 * fragment, posted by the page's button, never in a URL the server sees), it shows the member's account as the
 * chain holds it, what moved its minutes, its pending services, and its word on each service it received (its
 * PIN or SMS code) and a donation to the community pool (its PIN). Every form carries the member session's own
 * CSRF token and calls the use-case of the matching `/v1/member` route.
 */
export function registerMemberPages(router: Router, services: { timebank: TimeBankDeps }): void {
  const deps = () => services.timebank;

  const loginForm = (req: Request, res: Response, refused?: AppError) => {
    const { t } = pageOf(res);
    const reason = refused?.code ?? "";
    const known = ["link_unknown", "link_used", "link_expired", "member_removed", "member_not_active"];
    renderLinkForm(
      req,
      res,
      {
        title: "memberLoginTitle",
        intro: "memberLoginIntro",
        token: "memberLoginToken",
        submit: "memberLoginSubmit",
        action: MEMBER_LINK_PATH,
      },
      refused && {
        status: reason === "link_used" || reason === "link_expired" ? 410 : refused.status,
        message: t(`memberLinkRefused_${known.includes(reason) ? reason : "link_unknown"}` as TextKey),
      },
    );
  };

  router.get(MEMBER_LINK_PATH, (req, res) => loginForm(req, res));
  router.post(MEMBER_LINK_PATH, requireCsrf, async (req, res) => {
    const token = typeof req.body.token === "string" ? req.body.token.trim() : "";
    try {
      const opened = await openMemberSession(deps(), { token });
      const previous = readCookies(req)[MEMBER_COOKIE];
      if (previous !== undefined) endMemberSession(deps(), previous);
      setCookie(res, req, MEMBER_COOKIE, opened.token, { maxAgeSeconds: MEMBER_SESSION_TTL_MS / 1000 });
      res.redirect(303, "/app/member");
    } catch (error) {
      if (error instanceof MemberLinkRefusedError || (error instanceof AppError && error.status < 500))
        return loginForm(req, res, error);
      throw error;
    }
  });

  /** Signed in as a member, or sent to the link's page; a form must carry the member session's token. */
  const member = (req: Request, res: Response, next: NextFunction) => {
    const session = memberSessionOf(deps(), req, res);
    if (!session) return res.redirect(303, MEMBER_LINK_PATH);
    res.locals.memberPage = session;
    next();
  };
  const memberCsrf = (req: Request, res: Response, next: NextFunction) => {
    const sent = typeof req.body?.csrf === "string" ? Buffer.from(req.body.csrf) : Buffer.alloc(0);
    const expected = Buffer.from(res.locals.memberPage!.csrfToken);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new CsrfRefusedError();
    next();
  };
  /** The page state the member's forms are built with: its session's CSRF token, not the visitor's. */
  const formsOf = (res: Response): PageState => ({
    ...pageOf(res),
    csrfToken: res.locals.memberPage!.csrfToken,
  });

  const memberPage = async (req: Request, res: Response, error?: AppError) => {
    const page = pageOf(res);
    const { t, lang } = page;
    const session = res.locals.memberPage!;
    const [account, waiting] = await Promise.all([
      ownAccount(deps(), session),
      ownOpenServices(deps(), session),
    ]);
    const history = ownHistory(deps(), session);
    const forms = formsOf(res);
    const done = DONE[String(req.query.done)];
    const word = memberWord(forms, account, account, waiting, [], `web-${randomUUID()}`, {
      donate: "/app/member/donations",
      confirm: (serviceId) => `/app/member/services/${serviceId}/confirmation`,
      smsCode: (serviceId) => `/app/member/services/${serviceId}/sms-code`,
    });
    renderPage(req, res, {
      title: t("memberPageTitle"),
      status: error?.status ?? 200,
      body: html`${refusalBox(page, error)}
        ${done && !error ? html`<p class="notice" role="status">${t(done)}</p>` : ""}
        <p>${t("memberPageIntro")}</p>
        <section aria-labelledby="account-heading">
          <h2 id="account-heading">${t("tbAccount")}</h2>
          <p>${t("memberCoordinator")}: <strong>${account.coordinatorName}</strong></p>
          ${memberFacts(page, account, account)}
        </section>
        <section aria-labelledby="minutes-heading">
          <h2 id="minutes-heading">${t("tbMemberChart")}</h2>
          ${memberChart(page, account, history.entries)} ${historyTable(page, history.entries)}
          ${
            history.asOfBlock === null
              ? ""
              : html`<p class="hint" id="as-of">
                  ${t("memberAsOf").replace("{block}", digits(history.asOfBlock, lang))}
                </p>`
          }
        </section>
        <section aria-labelledby="member-pending-heading">
          <h2 id="member-pending-heading">${t("tbMemberPending")}</h2>
          ${memberPendingTable(page, history.pending)}
        </section>
        <section aria-labelledby="word-heading">
          <h2 id="word-heading">${t("tbMemberWord")}</h2>
          ${word}
        </section>
        <section aria-labelledby="gave-heading">
          <h2 id="gave-heading">${t("memberGave")}</h2>
          ${ownServiceViews(forms, account.memberRef, account.custody === "custodial", `web-${randomUUID()}`)}
        </section>
        <form method="post" action="/app/member/logout" class="card" id="member-logout">
          ${csrfField(forms)}
          <button type="submit">${t("memberSignOut")}</button>
        </form>`,
    });
  };

  router.get("/app/member", member, (req, res) => memberPage(req, res));

  /** A member's form: success redirects with a notice; a refusal (4xx) is shown above its page, nothing written. */
  const formRoute = (path: string, write: (req: Request, res: Response) => Promise<string>) =>
    router.post(path, member, memberCsrf, async (req, res) => {
      let location: string;
      try {
        location = await write(req, res);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        return memberPage(req, res, error);
      }
      res.redirect(303, location);
    });
  const serviceIdOf = (req: Request) => {
    const serviceId = String(req.params.serviceId);
    if (!SERVICE_ID.test(serviceId))
      throw new NotFoundError("serviceId", "No service waiting for this member's word has this id.");
    return serviceId;
  };

  formRoute("/app/member/services/:serviceId/confirmation", async (req, res) => {
    const form = formOf(req);
    const smsCode = form.optional("smsCode");
    await confirmOwnService(deps(), res.locals.memberPage!, serviceIdOf(req), {
      signature: form.optional("signature"),
      pin: form.optional("pin"),
      smsCode: smsCode && toAsciiDigits(smsCode),
    });
    return "/app/member?done=memberConfirmed";
  });
  formRoute("/app/member/services", async (req, res) => {
    const form = formOf(req);
    await logOwnService(deps(), res.locals.memberPage!, {
      recipient: form.text("recipient").toLowerCase(),
      minutes: form.minutes("minutes") as number,
      category: form.text("category") as "care",
      idempotencyKey: form.text("idempotencyKey"),
    });
    return "/app/member?done=logged";
  });
  formRoute("/app/member/services/:serviceId/sms-code", async (req, res) => {
    await requestOwnSmsCode(deps(), res.locals.memberPage!, serviceIdOf(req));
    return "/app/member?done=codeSent";
  });
  formRoute("/app/member/donations", async (req, res) => {
    const form = formOf(req);
    await donateOwn(deps(), res.locals.memberPage!, {
      minutes: form.minutes("minutes") as number,
      pin: form.text("pin"),
      idempotencyKey: form.text("idempotencyKey"),
    });
    return "/app/member?done=donated";
  });
  router.post("/app/member/logout", member, memberCsrf, (req, res) => {
    endMemberSession(deps(), readCookies(req)[MEMBER_COOKIE]!);
    setCookie(res, req, MEMBER_COOKIE, "", { maxAgeSeconds: 0 });
    const page = pageOf(res);
    renderPage(req, res, {
      title: page.t("memberPageTitle"),
      body: html`<p role="status">${page.t("memberSignedOut")}</p>`,
    });
  });
}
