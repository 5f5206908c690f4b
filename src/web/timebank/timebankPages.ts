import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { AppError, NotFoundError } from "../../errors";
import { toAsciiDigits } from "../../identity";
import { formOf } from "./timebankForm";
import {
  admitMember,
  changeMember,
  coordinatorConfirm,
  coordinatorConfirmBatch,
  confirmService,
  createMemberLoginLink,
  donate,
  getService,
  getMember,
  listMembers,
  listServices,
  logService,
  memberAccess,
  memberHistory,
  poolHistory,
  rebindMember,
  requestServiceSmsCode,
  requireCoordinator,
  setMemberAccess,
  type MemberLoginLink,
  type TimeBankDeps,
} from "../../timebank";
import { html } from "../html";
import { digits } from "../i18n/format";
import type { TextKey } from "../i18n/texts";
import { renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import { refusalBox } from "./refusal";
import {
  changeForm,
  historyTable,
  memberChart,
  memberFacts,
  memberPendingTable,
  memberWord,
  custodyForms,
} from "./memberViews";
import { loginLinkView } from "./loginLinkView";
import { admitForm, memberTable, openServiceForm, pendingTable, poolView } from "./timebankViews";

export interface TimebankPageServices {
  timebank: TimeBankDeps;
}

const MEMBER_REF = /^0x[0-9a-f]{64}$/;
const SERVICE_ID = /^svc_[0-9a-f-]{36}$/;
/** Services of each waiting state listed at most (the use-case's page); older ones stay in the API's pages. */
const PENDING_LIMIT = 100;

/** What `?done=` after a write says on the page. */
const DONE: Record<string, TextKey> = {
  admitted: "tbAdmitted",
  opened: "tbOpened",
  confirmed: "tbConfirmed",
  changed: "tbChanged",
  codeSent: "tbCodeSent",
  donated: "tbDonationDone",
  memberConfirmed: "tbMemberConfirmed",
  accessSet: "tbAccessSet",
  rebound: "tbRebound",
};

/** The path's member ref, or the 404 of an unknown member. */
function memberRefOf(req: Request): string {
  const memberRef = String(req.params.memberRef);
  if (!MEMBER_REF.test(memberRef))
    throw new NotFoundError("memberRef", "No member of this coordinator has this reference.");
  return memberRef;
}

/** The path's service id, or the 404 of an unknown service. */
function serviceIdOf(req: Request): string {
  const serviceId = String(req.params.serviceId);
  if (!SERVICE_ID.test(serviceId))
    throw new NotFoundError("serviceId", "No service of this coordinator has this id.");
  return serviceId;
}

/**
 * The time bank's coordinator pages: its members with their accounts as the chain holds them, the services
 * waiting for a word (each confirmed for a recipient who cannot, or a batch of them at once), the forms to open
 * a service and admit a member, the community pool's balance and history, and each member's page (its account,
 * what moved its minutes, its pending services, the member's own word on a service it received or a donation,
 * by its PIN or SMS code, and the change form). Every form calls the use-case of the matching `/v1/timebank`
 * route; a refusal is shown above the page in its words, naming the field, and writes nothing.
 *
 * Only a charity the regulator appointed a coordinator (the role the time-bank routes act with); another
 * coordinator's member answers the 404 of an unknown one. Members hold no API key, so they have no session
 * here: their coordinator shows them their page.
 */
export function registerTimebankPages(router: Router, services: TimebankPageServices): void {
  const deps = () => services.timebank;
  const coordinatorOf = (res: Response) => {
    const { orgId } = pageOf(res).session!;
    requireCoordinator(deps(), orgId);
    return orgId;
  };

  const home = async (req: Request, res: Response, error?: AppError) => {
    const page = pageOf(res);
    const { t } = page;
    const orgId = coordinatorOf(res);
    const after = typeof req.query.after === "string" ? req.query.after : undefined;
    const [{ members, next }, open, logged, pool] = await Promise.all([
      listMembers(deps(), orgId, { after }),
      listServices(deps(), orgId, { state: "open", limit: PENDING_LIMIT }),
      listServices(deps(), orgId, { state: "logged", limit: PENDING_LIMIT }),
      poolHistory(deps(), orgId),
    ]);
    const done = DONE[String(req.query.done)];
    const formKey = `web-${randomUUID()}`;
    renderPage(req, res, {
      title: t("timebankTitle"),
      status: error?.status ?? 200,
      body: html`${refusalBox(page, error)}
        ${done && !error ? html`<p class="notice" role="status">${t(done)}</p>` : ""}
        <p>${t("timebankIntro")}</p>
        <p class="hint">${t("timebankMembersNoLogin")}</p>
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">${t("tbMembers")}</h2>
          ${memberTable(page, members, next, after !== undefined)}
        </section>
        <section aria-labelledby="pending-heading">
          <h2 id="pending-heading">${t("tbPending")}</h2>
          <p class="hint">${t("tbPendingIntro")}</p>
          ${pendingTable(page, [...logged, ...open])}
        </section>
        <section aria-labelledby="forms-heading">
          <h2 id="forms-heading">${t("tbOpenService")} · ${t("tbAdmit")}</h2>
          <div class="cards">${openServiceForm(page, members, formKey)} ${admitForm(page)}</div>
        </section>
        <section aria-labelledby="pool-heading">
          <h2 id="pool-heading">${t("tbPool")}</h2>
          <p class="hint">${t("tbPoolIntro")}</p>
          ${poolView(page, pool)}
        </section>`,
    });
  };

  const memberPage = async (
    req: Request,
    res: Response,
    error?: AppError,
    ref?: string,
    link?: MemberLoginLink,
  ) => {
    const page = pageOf(res);
    const { t } = page;
    const orgId = coordinatorOf(res);
    const memberRef = ref ?? memberRefOf(req);
    const [member, history, waiting] = await Promise.all([
      getMember(deps(), orgId, memberRef),
      memberHistory(deps(), orgId, memberRef),
      listServices(deps(), orgId, { state: "open", member: memberRef, limit: PENDING_LIMIT }),
    ]);
    // Whom a gateway-held wallet may donate to (a self-custodied member donates from its own wallet).
    const others =
      member.custody === "custodial"
        ? await listMembers(deps(), orgId, { limit: 100 })
        : { members: [], next: null };
    const access = memberAccess(deps(), member.memberRef);
    const received = waiting.filter((service) => service.recipient === member.memberRef);
    const done = DONE[String(req.query.done)];
    const formKey = `web-${randomUUID()}`;
    renderPage(req, res, {
      title: t("tbMemberTitle"),
      status: error?.status ?? 200,
      body: html`${refusalBox(page, error)}
        ${done && !error ? html`<p class="notice" role="status">${t(done)}</p>` : ""}
        <p><a href="/app/timebank">${t("tbBack")}</a></p>
        <section aria-labelledby="account-heading">
          <h2 id="account-heading">${t("tbAccount")}</h2>
          ${memberFacts(page, member, access)}
        </section>
        <section aria-labelledby="minutes-heading">
          <h2 id="minutes-heading">${t("tbMemberChart")}</h2>
          ${memberChart(page, member, history.entries)} ${historyTable(page, history.entries)}
          ${
            history.asOfBlock === null
              ? ""
              : html`<p class="hint" id="as-of">
                  ${t("memberAsOf").replace("{block}", digits(history.asOfBlock, page.lang))}
                </p>`
          }
        </section>
        <section aria-labelledby="member-pending-heading">
          <h2 id="member-pending-heading">${t("tbMemberPending")}</h2>
          ${memberPendingTable(page, history.pending)}
        </section>
        <section aria-labelledby="word-heading">
          <h2 id="word-heading">${t("tbMemberWord")}</h2>
          ${memberWord(page, member, access, received, others.members, formKey)}
        </section>
        <section aria-labelledby="login-link-heading">
          <h2 id="login-link-heading">${t("tbLoginLink")}</h2>
          ${loginLinkView(page, member.memberRef, {
            made: link && {
              ...link,
              url:
                link.path === null
                  ? null
                  : `${deps().publicUrl ?? `${req.protocol}://${req.get("host")}`}${link.path}`,
            },
            canText: member.custody === "custodial" && access.phone && deps().publicUrl !== null,
          })}
        </section>
        <section aria-labelledby="change-heading">
          <h2 id="change-heading">${t("tbChange")}</h2>
          ${changeForm(page, member, formKey)} ${custodyForms(page, member, formKey)}
        </section>`,
    });
  };

  /** A refused form about a service is shown on its recipient's page; an unknown service, on the home page. */
  const recipientPage = (serviceId: string) => async (req: Request, res: Response, error: AppError) => {
    let recipient: string;
    try {
      recipient = (await getService(deps(), coordinatorOf(res), serviceId)).recipient;
    } catch {
      return home(req, res, error);
    }
    return memberPage(req, res, error, recipient);
  };

  type Shown = (req: Request, res: Response, error: AppError) => Promise<void>;
  const coordinator = requirePageRole("charity");

  /** A page the use-case refused to show (not a coordinator, another's member): the refusal in the page's words. */
  const shown =
    (page: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
      try {
        await page(req, res);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const state = pageOf(res);
        renderPage(req, res, {
          title: error.status === 404 ? state.t("notFoundTitle") : state.t("errorTitle"),
          status: error.status,
          body: html`${refusalBox(state, error)}
            <p><a href="/app">${state.t("home")}</a></p>`,
        });
      }
    };

  /**
   * A form's route: its use-case runs with the form's fields; success redirects to where it answers, a refusal
   * (4xx) is shown on the page `refusedOn` picks, with nothing written; anything else is the error page's.
   */
  const formRoute = (
    path: string,
    write: (req: Request, res: Response, form: ReturnType<typeof formOf>) => Promise<string>,
    refusedOn: (req: Request) => Shown,
  ) =>
    router.post(path, coordinator, requireCsrf, async (req, res) => {
      let location: string;
      try {
        location = await write(req, res, formOf(req));
      } catch (error) {
        // The page that shows the refusal may itself be refused (another coordinator's member): then that.
        if (error instanceof AppError && error.status < 500)
          return shown((rq, rs) => refusedOn(req)(rq, rs, error))(req, res);
        throw error;
      }
      res.redirect(303, location);
    });

  router.get("/app/timebank", coordinator, shown(home));
  router.get("/app/timebank/members/:memberRef", coordinator, shown(memberPage));

  const onHome = () => home;
  const onMember = () => memberPage;
  const onRecipient = (req: Request) => recipientPage(String(req.params.serviceId));

  // The use-case of POST /v1/timebank/members.
  formRoute(
    "/app/timebank/members",
    async (_req, res, form) => {
      const member = await admitMember(deps(), coordinatorOf(res), {
        nationalId: form.text("nationalId"),
        creditLimit: form.minutes("creditLimit")!,
        wallet: form.optional("wallet"),
        pin: form.optional("pin"),
        phone: form.optional("phone"),
      });
      return `/app/timebank/members/${member.memberRef}?done=admitted`;
    },
    onHome,
  );

  // The use-case of POST /v1/timebank/members/{memberRef}/changes.
  formRoute(
    "/app/timebank/members/:memberRef/changes",
    async (req, res, form) => {
      const memberRef = memberRefOf(req);
      await changeMember(deps(), coordinatorOf(res), memberRef, {
        action: form.text("action") as "suspend",
        creditLimit: form.minutes("creditLimit"),
        idempotencyKey: form.text("idempotencyKey"),
      });
      return `/app/timebank/members/${memberRef}?done=changed`;
    },
    onMember,
  );

  // The use-case of POST /v1/timebank/members/{memberRef}/access: a new PIN, a new phone, or both.
  formRoute(
    "/app/timebank/members/:memberRef/access",
    async (req, res, form) => {
      const memberRef = memberRefOf(req);
      const pin = form.optional("pin");
      await setMemberAccess(deps(), coordinatorOf(res), memberRef, {
        pin: pin && toAsciiDigits(pin),
        phone: form.optional("phone") && toAsciiDigits(form.text("phone")),
      });
      return `/app/timebank/members/${memberRef}?done=accessSet`;
    },
    onMember,
  );

  // The use-case of POST /v1/timebank/members/{memberRef}/wallet-rebinding: a new custodial key.
  formRoute(
    "/app/timebank/members/:memberRef/wallet-rebinding",
    async (req, res, form) => {
      const memberRef = memberRefOf(req);
      await rebindMember(deps(), coordinatorOf(res), memberRef, {
        idempotencyKey: form.text("idempotencyKey"),
      });
      return `/app/timebank/members/${memberRef}?done=rebound`;
    },
    onMember,
  );

  // The use-case of POST /v1/timebank/members/{memberRef}/donations: the member's PIN.
  formRoute(
    "/app/timebank/members/:memberRef/donations",
    async (req, res, form) => {
      const memberRef = memberRefOf(req);
      await donate(deps(), coordinatorOf(res), memberRef, {
        to: form.optional("to"),
        minutes: form.minutes("minutes")!,
        pin: form.text("pin"),
        idempotencyKey: form.text("idempotencyKey"),
      });
      return `/app/timebank/members/${memberRef}?done=donated`;
    },
    onMember,
  );

  // The use-case of POST /v1/timebank/services.
  formRoute(
    "/app/timebank/services",
    async (_req, res, form) => {
      await logService(deps(), coordinatorOf(res), {
        giver: form.text("giver"),
        recipient: form.text("recipient"),
        minutes: form.minutes("minutes")!,
        category: form.text("category") as "care",
        idempotencyKey: form.text("idempotencyKey"),
      });
      return "/app/timebank?done=opened";
    },
    onHome,
  );

  // The use-case of POST /v1/timebank/services/coordinator-confirmations: the ticked services, all or none.
  formRoute(
    "/app/timebank/services/coordinator-confirmations",
    async (_req, res, form) => {
      await coordinatorConfirmBatch(deps(), coordinatorOf(res), {
        serviceIds: form.list("serviceIds"),
        payer: form.text("payer") as "pool",
      });
      return "/app/timebank?done=confirmed";
    },
    onHome,
  );

  // The use-case of POST /v1/timebank/services/{serviceId}/coordinator-confirmation.
  formRoute(
    "/app/timebank/services/:serviceId/coordinator-confirmation",
    async (req, res, form) => {
      await coordinatorConfirm(deps(), coordinatorOf(res), serviceIdOf(req), {
        payer: form.text("payer") as "pool",
      });
      return "/app/timebank?done=confirmed";
    },
    onHome,
  );

  // The use-case of POST /v1/timebank/services/{serviceId}/confirmation: the recipient's PIN or SMS code.
  formRoute(
    "/app/timebank/services/:serviceId/confirmation",
    async (req, res, form) => {
      const smsCode = form.optional("smsCode");
      const service = await confirmService(deps(), coordinatorOf(res), serviceIdOf(req), {
        signature: form.optional("signature"),
        pin: form.optional("pin"),
        smsCode: smsCode && toAsciiDigits(smsCode),
      });
      return `/app/timebank/members/${service.recipient}?done=memberConfirmed`;
    },
    onRecipient,
  );

  // The use-case of POST /v1/timebank/members/{memberRef}/login-links: the link is shown once, on the page
  // the POST answers (never in a redirect's address).
  router.post("/app/timebank/members/:memberRef/login-link", coordinator, requireCsrf, async (req, res) => {
    const memberRef = memberRefOf(req);
    let link: MemberLoginLink;
    try {
      link = await createMemberLoginLink(deps(), coordinatorOf(res), memberRef, {
        send: formOf(req).text("send") === "sms" ? "sms" : "show",
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return shown((rq, rs) => memberPage(rq, rs, error, memberRef))(req, res);
    }
    res.setHeader("Cache-Control", "no-store");
    await memberPage(req, res, undefined, memberRef, link);
  });

  // The use-case of POST /v1/timebank/services/{serviceId}/sms-code.
  formRoute(
    "/app/timebank/services/:serviceId/sms-code",
    async (req, res) => {
      const orgId = coordinatorOf(res);
      const serviceId = serviceIdOf(req);
      await requestServiceSmsCode(deps(), orgId, serviceId);
      return `/app/timebank/members/${(await getService(deps(), orgId, serviceId)).recipient}?done=codeSent`;
    },
    onRecipient,
  );
}
