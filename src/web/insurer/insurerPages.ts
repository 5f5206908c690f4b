import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { AppError, NotFoundError, ValidationError } from "../../errors";
import { toAsciiDigits } from "../../identity";
import {
  acceptMandate,
  currentPeriods,
  getMandate,
  listMandates,
  proposeMandate,
  redeemPremium,
  redeemPremiums,
  requestMandateSmsCode,
  revokeMandate,
  type MandateCaller,
  type MandateDeps,
} from "../../mandates";
import { html } from "../html";
import type { TextKey } from "../i18n/texts";
import { renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import {
  listPager,
  mandateDetail,
  mandateTable,
  proposeForm,
  redeemBatchForm,
  type ProposeFormValues,
} from "./insurerViews";
import { mandateRefusalBox } from "./refusal";

export interface InsurerPageServices {
  mandates: MandateDeps;
}

const MANDATE_ID = /^mdt_[0-9a-f-]{36}$/;
/** Mandates a page of the list shows; older ones a click away. */
const PAGE_SIZE = 20;

/** What `?done=` after a write says on the page. */
const DONE: Record<string, TextKey> = {
  proposed: "insDone_proposed",
  accepted: "insDone_accepted",
  redeemed: "insDone_redeemed",
  revoked: "insDone_revoked",
  codeSent: "insDone_codeSent",
};

/** A form's fields as the use-cases' schemas take them; Persian and Arabic-Indic digits read as digits. */
function formOf(req: Request) {
  const body = req.body as Record<string, unknown>;
  const text = (name: string) =>
    typeof body[name] === "string" ? toAsciiDigits((body[name] as string).trim()) : "";
  return {
    text,
    /** An empty field is a field not given. */
    optional: (name: string) => text(name) || undefined,
    /** Digits as the number the schema expects; anything else is passed on for the schema to refuse, naming it. */
    number: (name: string) => {
      const value = text(name);
      return (/^[0-9]{1,15}$/.test(value) ? Number(value) : value) as number;
    },
    /** Every value of a repeated field (ticked boxes). */
    list: (name: string) => {
      const value = body[name];
      return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
    },
  };
}
type Form = ReturnType<typeof formOf>;

const callerOf = (res: Response): MandateCaller => {
  const { orgId, role, keyId } = pageOf(res).session!;
  return { orgId, role, keyId };
};

/** The path's mandate id, or the 404 of an unknown mandate. */
function mandateIdOf(req: Request): string {
  const mandateId = String(req.params.mandateId);
  if (!MANDATE_ID.test(mandateId)) throw new NotFoundError("mandateId", "No mandate has this id.");
  return mandateId;
}

/** A member's proof from the word form: the PIN or the SMS code (typed in `code`), or the wallet's signature. */
function proofOf(form: Form, allowSignature: boolean) {
  const kind = form.text("proofKind");
  const by = form.optional("by");
  if (kind === "pin") return { pin: form.text("code"), by };
  if (kind === "smsCode") return { smsCode: form.text("code"), by };
  if (kind === "signature" && allowSignature) return { signature: form.text("signature"), by };
  throw new ValidationError("proofKind", "invalid_enum_value", "Choose a PIN or an SMS code.");
}

/**
 * The insurer's pages for premium mandates (nazr-e bimeh), signed in with its vendor key: its mandates newest
 * first, a page at a time, with this period's premiums; the proposal form and the batch form that redeems this
 * period's premium under each ticked accepted mandate; and each mandate's page (the QR of its terms for the
 * member's wallet, the PIN or SMS code forms that accept or revoke it, this period's premium, its premiums).
 * Every form calls the use-case of the matching `/v1/mandates` route; a refusal is shown above the page in its
 * words, naming the field, and writes nothing. Only the mandate's insurer sees it: another's answers the 404 of
 * an unknown one. The charity reads its households' mandates on `/app/charity/mandates`, read only.
 */
export function registerInsurerPages(router: Router, services: InsurerPageServices): void {
  const deps = () => services.mandates;
  const insurer = requirePageRole("vendor");

  const list = async (req: Request, res: Response, path: string, mode: "insurer" | "charity") => {
    const before =
      typeof req.query.before === "string" && MANDATE_ID.test(req.query.before)
        ? req.query.before
        : undefined;
    const found = await listMandates(
      deps(),
      callerOf(res),
      { limit: PAGE_SIZE + 1, before },
      res.locals.requestId ?? null,
    );
    const mandates = found.slice(0, PAGE_SIZE);
    const periods = await currentPeriods(
      deps(),
      mandates.map((mandate) => mandate.programmeId),
    );
    const older = found.length > PAGE_SIZE ? mandates.at(-1)!.mandateId : null;
    return html`${mandateTable(pageOf(res), mandates, periods, mode)}
    ${listPager(pageOf(res), path, older, before !== undefined)}`;
  };

  const home = async (req: Request, res: Response, error?: AppError, values: ProposeFormValues = {}) => {
    const page = pageOf(res);
    const { t } = page;
    const done = DONE[String(req.query.done)];
    const table = await list(req, res, "/app/insurer", "insurer");
    renderPage(req, res, {
      title: t("insurerTitle"),
      status: error?.status ?? 200,
      body: html`${mandateRefusalBox(page, error)}
        ${done && !error ? html`<p class="notice" role="status">${t(done)}</p>` : ""}
        <p>${t("insIntro")}</p>
        <p class="hint">${t("insMembersNoLogin")}</p>
        <section aria-labelledby="mandates-heading">
          <h2 id="mandates-heading">${t("insMandates")}</h2>
          ${table}
        </section>
        <div class="cards">
          ${redeemBatchForm(page, `web-${randomUUID()}`)} ${proposeForm(page, `web-${randomUUID()}`, values)}
        </div>`,
    });
  };

  const detail = async (req: Request, res: Response, error?: AppError) => {
    const page = pageOf(res);
    const mandate = await getMandate(deps(), callerOf(res), mandateIdOf(req), res.locals.requestId ?? null);
    const periods = await currentPeriods(deps(), [mandate.programmeId]);
    const done = DONE[String(req.query.done)];
    renderPage(req, res, {
      title: `${page.t("insMandateTitle")} ${mandate.mandateId.slice(4, 12)}`,
      status: error?.status ?? 200,
      scripts: ["vendor.js"],
      body: html`${mandateRefusalBox(page, error)}
      ${mandateDetail(page, mandate, periods.get(mandate.programmeId)!, `web-${randomUUID()}`, done && !error ? page.t(done) : undefined)}`,
    });
  };

  /**
   * A form's route: its use-case runs with the form's fields; success redirects to where it answers, a refusal
   * (4xx) is shown on `refusedOn`'s page with nothing written. An unknown mandate (or another insurer's) on a
   * mandate's own page is the 404 page; anything else is the error page's.
   */
  const formRoute = (
    path: string,
    write: (req: Request, res: Response, form: Form) => Promise<string>,
    refusedOn: (req: Request, res: Response, error: AppError) => Promise<void>,
  ) =>
    router.post(path, insurer, requireCsrf, async (req, res) => {
      let location: string;
      try {
        location = await write(req, res, formOf(req));
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return refusedOn(req, res, error);
        throw error;
      }
      res.redirect(303, location);
    });

  router.get("/app/insurer", insurer, (req, res) => home(req, res));
  router.get("/app/insurer/mandates/:mandateId", insurer, (req, res) => detail(req, res));

  /** A refusal about one mandate is shown on its page, which answers 404 if the mandate is not the caller's. */
  const onMandate = (req: Request, res: Response, error: AppError) => detail(req, res, error);

  // The use-case of POST /v1/mandates: the insurer proposes as itself.
  formRoute(
    "/app/insurer/mandates",
    async (_req, res, form) => {
      const proposed = await proposeMandate(deps(), callerOf(res), {
        programmeId: form.number("programmeId"),
        householdRef: form.text("householdRef"),
        beneficiaryRef: form.optional("beneficiaryRef"),
        premiumPerPeriod: form.text("premiumPerPeriod"),
        firstPeriod: form.number("firstPeriod"),
        lastPeriod: form.number("lastPeriod"),
        idempotencyKey: form.text("idempotencyKey"),
      });
      return `/app/insurer/mandates/${proposed.mandateId}?done=proposed`;
    },
    (req, res, error) => {
      const form = formOf(req);
      const values: ProposeFormValues = {
        programmeId: form.text("programmeId"),
        householdRef: form.text("householdRef"),
        beneficiaryRef: form.text("beneficiaryRef"),
        premiumPerPeriod: form.text("premiumPerPeriod"),
        firstPeriod: form.text("firstPeriod"),
        lastPeriod: form.text("lastPeriod"),
      };
      return home(req, res, error, values);
    },
  );

  // The use-case of POST /v1/mandates/premiums: this period's premium under each ticked mandate, all or none.
  formRoute(
    "/app/insurer/premiums",
    async (_req, res, form) => {
      await redeemPremiums(deps(), callerOf(res), {
        premiums: form.list("mandateIds").map((mandateId) => ({ mandateId })),
        idempotencyKey: form.text("idempotencyKey"),
      });
      return "/app/insurer?done=redeemed";
    },
    (req, res, error) => home(req, res, error),
  );

  // The use-case of POST /v1/mandates/{mandateId}/sms-code.
  formRoute(
    "/app/insurer/mandates/:mandateId/sms-code",
    async (req, res, form) => {
      const mandateId = mandateIdOf(req);
      await requestMandateSmsCode(deps(), callerOf(res), mandateId, {
        purpose: form.text("purpose") as "accept",
      });
      return `/app/insurer/mandates/${mandateId}?done=codeSent`;
    },
    onMandate,
  );

  // The use-case of POST /v1/mandates/{mandateId}/acceptance: the wallet's signature, the PIN or the SMS code.
  formRoute(
    "/app/insurer/mandates/:mandateId/acceptance",
    async (req, res, form) => {
      const mandateId = mandateIdOf(req);
      await acceptMandate(deps(), callerOf(res), mandateId, proofOf(form, true));
      return `/app/insurer/mandates/${mandateId}?done=accepted`;
    },
    onMandate,
  );

  // The use-case of POST /v1/mandates/{mandateId}/revocation: the PIN or the SMS code.
  formRoute(
    "/app/insurer/mandates/:mandateId/revocation",
    async (req, res, form) => {
      const mandateId = mandateIdOf(req);
      await revokeMandate(deps(), callerOf(res), mandateId, proofOf(form, false));
      return `/app/insurer/mandates/${mandateId}?done=revoked`;
    },
    onMandate,
  );

  // The use-case of POST /v1/mandates/{mandateId}/premiums.
  formRoute(
    "/app/insurer/mandates/:mandateId/premiums",
    async (req, res, form) => {
      const mandateId = mandateIdOf(req);
      await redeemPremium(deps(), callerOf(res), mandateId, {
        amount: form.optional("amount"),
        idempotencyKey: form.text("idempotencyKey"),
      });
      return `/app/insurer/mandates/${mandateId}?done=redeemed`;
    },
    onMandate,
  );

  // The charity's read-only copy: the mandates of the households it may read (each read in the access log).
  router.get("/app/charity/mandates", requirePageRole("charity"), async (req, res) => {
    const page = pageOf(res);
    const { t } = page;
    const table = await list(req, res, "/app/charity/mandates", "charity");
    renderPage(req, res, {
      title: t("insCharityMandates"),
      body: html`<p>${t("insCharityIntro")}</p>
        ${table}
        <p><a href="/app/charity">${t("charityTitle")}</a></p>`,
    });
  });
}
