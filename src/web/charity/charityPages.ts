import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { programmePeriods, underCoverage, type CoverageDeps } from "../../coverage";
import {
  answerDispute,
  deliveryView,
  listDeliveries,
  recordDeliveryReads,
  visibleDeliveryRow,
  type DeliveryDeps,
} from "../../delivery";
import {
  getDisbursement,
  listOlderDisbursements,
  listRegistrationRuns,
  registrationRun,
  type DisbursementDeps,
} from "../../disbursement";
import type { SqliteStore } from "../../db";
import { AppError, NotFoundError, ValidationError } from "../../errors";
import { deliveriesOverTime } from "../../indexer";
import {
  getImportDetail,
  listDuplicateReviews,
  listImports,
  resolveDuplicateReview,
  type HouseholdContext,
} from "../../households";
import type { OrganisationDeps } from "../../organisations";
import { listProgrammes, programmeRow, setProgrammePause, type ProgrammeDeps } from "../../programmes";
import { deliveriesChart } from "../charts/deliveriesChart";
import { html, type Html } from "../html";
import { dateTime, digits } from "../i18n/format";
import { errorBox, formFlag, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole, type PageState } from "../pageState";
import { cursorOf, listPages } from "../listPages";
import { pauseForm } from "../pauseForm";
import { coverageView } from "./coverageView";
import { disbursementDetail, disbursementList } from "./disbursementViews";
import { charityDelivery, disputeList, programmeCards, reviewList } from "./charityViews";
import { importDetail, importList, runDetail, runList } from "./enrolmentViews";

export interface CharityPageServices {
  programmes: ProgrammeDeps;
  disbursement: DisbursementDeps;
  households: HouseholdContext;
  delivery: DeliveryDeps;
  coverage: CoverageDeps;
  organisations: Pick<OrganisationDeps, "operator">;
  store: Pick<SqliteStore, "sqlite">;
  config: { webPageSize: number };
}

const DISBURSEMENT_ID = /^dsb_[0-9a-f-]{36}$/;
const PROGRAMME_ID = /^[1-9][0-9]{0,15}$/;
const PERIOD = /^(0|[1-9][0-9]{0,9})$/;
const ROW_NO = /^[1-9][0-9]{0,9}$/;
const REVIEW_ID = /^[1-9][0-9]{0,15}$/;
const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REGISTRATION_ID = /^reg_[0-9a-f-]{36}$/;
const DELIVERY_ID = /^dlv_[0-9a-f-]{36}$/;

/** A list of the charity's page, read a page at a time from a cursor. */
interface CharityList {
  /** Its heading's text key, its section's id and its own page's path under /app/charity. */
  key: "disbursements" | "imports" | "registrations" | "reviews" | "disputes";
  /** The shape of its cursor (its items' ids). */
  cursor: RegExp;
  intro?: (page: PageState) => Html;
  read(
    page: PageState,
    before?: string,
  ): { body: Html; next: string | number | null } | Promise<{ body: Html; next: string | number | null }>;
}

/**
 * The charity's pages: its programmes' money, its disbursements and their progress, its household imports
 * (each with its report) and registration runs on chain (each with its progress), the duplicates its imports
 * left for review (each with its merge and reject buttons, the use-case of the review-resolution route),
 * disputed deliveries (each open one with the form that answers it, the use-case of the dispute-answer route,
 * and a page per delivery), each programme's under-coverage, and the form that pauses or resumes one of its
 * programmes (the use-case of `POST /v1/programmes/{programmeId}/pause`, signed by the charity's own key).
 * Every list is read a page at a time from a keyset cursor. A charity sees only its own: another's
 * disbursement, programme, import, run or cursor answers the 404 of one that does not exist.
 */
export function registerCharityPages(router: Router, services: CharityPageServices): void {
  /** The caller's own programme, or the 404 of an unknown one. */
  const ownProgramme = (res: Response, programmeId: number) => {
    const row = programmeRow(services.programmes, programmeId);
    if (row.org_id !== pageOf(res).session!.orgId)
      throw new NotFoundError("programmeId", "No programme has this id.");
    return row;
  };

  const limit = services.config.webPageSize;
  /**
   * The page's lists, each newest first a page at a time: the home shows the first page of each, and
   * `/app/charity/<key>?before=` any older page. Every cursor is the last item shown, one of the charity's own.
   */
  const lists: readonly CharityList[] = [
    {
      key: "disbursements",
      cursor: DISBURSEMENT_ID,
      read: (page, before) => {
        const { disbursements, next } = listOlderDisbursements(services.disbursement, {
          orgId: page.session!.orgId,
          before,
          limit,
        });
        return { body: disbursementList(page, disbursements), next };
      },
    },
    {
      key: "imports",
      cursor: IMPORT_ID,
      intro: (page) => html`<p>${page.t("importsIntro")}</p>`,
      read: (page, before) => {
        const { imports, next } = listImports(services.households, {
          orgId: page.session!.orgId,
          before,
          limit,
        });
        return { body: importList(page, imports), next };
      },
    },
    {
      key: "registrations",
      cursor: REGISTRATION_ID,
      intro: (page) => html`<p>${page.t("registrationsIntro")}</p>`,
      read: (page, before) => {
        const { runs, next } = listRegistrationRuns(services.disbursement, {
          orgId: page.session!.orgId,
          before,
          limit,
        });
        return { body: runList(page, runs), next };
      },
    },
    {
      key: "reviews",
      cursor: REVIEW_ID,
      intro: (page) =>
        html`<p>${page.t("reviewsIntro")}</p>
          <p class="hint">${page.t("reviewHow")}</p>`,
      read: (page, before) => {
        const { reviews, next } = listDuplicateReviews(services.households, {
          orgId: page.session!.orgId,
          before: before === undefined ? undefined : Number(before),
          limit,
        });
        return { body: reviewList(page, reviews), next };
      },
    },
    {
      key: "disputes",
      cursor: DELIVERY_ID,
      intro: (page) => html`<p>${page.t("disputesIntro")}</p>`,
      read: async (page, before) => {
        const { deliveries, next } = await listDeliveries(services.delivery, page.session!, {
          disputed: true,
          before,
          limit,
        });
        return { body: disputeList(page, deliveries), next };
      },
    },
  ];

  /** One list's content and the links to its other pages. */
  const listBody = async (page: PageState, list: CharityList, before?: string): Promise<Html> => {
    const { body, next } = await list.read(page, before);
    return html`${list.intro?.(page) ?? ""} ${body}
    ${listPages(page, { label: page.t(list.key), path: `/app/charity/${list.key}`, next, paged: before !== undefined })}`;
  };

  const home = async (req: Request, res: Response, notice?: string, error?: AppError) => {
    const page = pageOf(res);
    const { t } = page;
    const session = page.session!;
    const programmes = await listProgrammes(services.programmes, session.orgId);
    const sections = await Promise.all(
      lists.map(
        async (list) =>
          html`<section aria-labelledby="${list.key}-heading">
            <h2 id="${list.key}-heading">${t(list.key)}</h2>
            ${await listBody(page, list)}
          </section>`,
      ),
    );
    renderPage(req, res, {
      title: t("charityTitle"),
      status: error?.status ?? 200,
      body: html`${errorBox(page, error)} ${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
        <p>${t("charityIntro")}</p>
        <p><a href="/app/charity/mandates">${t("insCharityMandates")}</a></p>
        <section aria-labelledby="programmes-heading">
          <h2 id="programmes-heading">${t("programmes")}</h2>
          ${programmeCards(page, programmes, services.programmes.decimals)}
          ${pauseForm(page, programmes, `web-${randomUUID()}`, {
            action: "/app/charity/programme-pauses",
            hint: "charityPauseHint",
          })}
        </section>
        ${sections}`,
    });
  };

  for (const list of lists) {
    router.get(`/app/charity/${list.key}`, requirePageRole("charity"), async (req, res) => {
      const page = pageOf(res);
      const before = cursorOf(req, "before", list.cursor);
      renderPage(req, res, { title: page.t(list.key), body: await listBody(page, list, before) });
    });
  }

  router.get("/app/charity", requirePageRole("charity"), (req, res) => {
    const { t } = pageOf(res);
    const notice =
      req.query.resolved === "1"
        ? t("reviewResolved")
        : req.query.changed === "pause"
          ? t("programmePauseChanged")
          : req.query.answered === "1"
            ? t("disputeAnswered")
            : undefined;
    return home(req, res, notice);
  });

  // The same use-case as POST /v1/programmes/{programmeId}/pause, as the programme's own charity: another
  // charity's programme is the 404 of an unknown one, and a pause the regulator set is the ledger's refusal.
  router.post("/app/charity/programme-pauses", requirePageRole("charity"), requireCsrf, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
    const programmeId = text("programmeId");
    try {
      if (!PROGRAMME_ID.test(programmeId))
        throw new NotFoundError("programmeId", "No programme has this id.");
      ownProgramme(res, Number(programmeId));
      const { orgId } = pageOf(res).session!;
      await setProgrammePause(
        { ...services.programmes, operator: services.organisations.operator },
        { orgId, role: "charity" },
        Number(programmeId),
        {
          paused: formFlag(text("paused")),
          idempotencyKey: text("idempotencyKey"),
        },
      );
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
      throw error;
    }
    res.redirect(303, "/app/charity?changed=pause");
  });

  // The same use-case as POST /v1/households/imports/{importId}/reviews/{rowNo}/resolution.
  router.post(
    "/app/charity/reviews/:importId/:rowNo",
    requirePageRole("charity"),
    requireCsrf,
    async (req, res) => {
      const rowNo = String(req.params.rowNo);
      const decision = (req.body as Record<string, unknown>).decision;
      try {
        if (!ROW_NO.test(rowNo)) throw new NotFoundError("rowNo", "This import has no review at this row.");
        const { keyId, orgId, role } = pageOf(res).session!;
        resolveDuplicateReview(
          services.households,
          services.store.sqlite,
          { reader: { keyId, orgId, role }, requestId: res.locals.requestId },
          String(req.params.importId),
          Number(rowNo),
          { decision: decision as "merge" },
        );
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
        throw error;
      }
      // From an import's page, back to it: the import id was checked by the use-case above.
      const fromImport = (req.body as Record<string, unknown>).back === "import";
      res.redirect(
        303,
        fromImport
          ? `/app/charity/imports/${String(req.params.importId)}?resolved=1`
          : "/app/charity?resolved=1",
      );
    },
  );

  // A delivery of its own programmes (another's is the 404 of an unknown one), read as GET /v1/deliveries/{id}
  // reads it: recorded in the access log with the programme as grounds.
  router.get("/app/charity/deliveries/:deliveryId", requirePageRole("charity"), async (req, res) => {
    const deliveryId = String(req.params.deliveryId);
    if (!DELIVERY_ID.test(deliveryId)) throw new NotFoundError("deliveryId", "No delivery has this id.");
    const page = pageOf(res);
    const { keyId, orgId, role } = page.session!;
    const row = visibleDeliveryRow(services.delivery, deliveryId, page.session!);
    recordDeliveryReads(services.delivery, { keyId, orgId, role }, [row], {
      purpose: null,
      requestId: res.locals.requestId,
    });
    const delivery = await deliveryView(services.delivery, row);
    renderPage(req, res, {
      title: `${page.t("delivery")} ${delivery.redemptionId.slice(0, 10)}`,
      body: charityDelivery(page, delivery),
    });
  });

  // The same use-case as POST /v1/deliveries/{deliveryId}/dispute-answer: another charity's delivery is the
  // 404 of an unknown one; an empty evidence field is no evidence.
  router.post(
    "/app/charity/disputes/:deliveryId/answer",
    requirePageRole("charity"),
    requireCsrf,
    async (req, res) => {
      const deliveryId = String(req.params.deliveryId);
      const body = req.body as Record<string, unknown>;
      const evidenceCid = typeof body.evidenceCid === "string" ? body.evidenceCid.trim() : "";
      try {
        if (!DELIVERY_ID.test(deliveryId)) throw new NotFoundError("deliveryId", "No delivery has this id.");
        const { keyId, orgId, role } = pageOf(res).session!;
        await answerDispute(
          services.delivery,
          { reader: { keyId, orgId, role }, requestId: res.locals.requestId },
          deliveryId,
          { answer: body.answer as "other", evidenceCid: evidenceCid === "" ? undefined : evidenceCid },
        );
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
        throw error;
      }
      res.redirect(303, "/app/charity?answered=1");
    },
  );

  router.get("/app/charity/imports/:importId", requirePageRole("charity"), (req, res) => {
    const importId = String(req.params.importId);
    if (!IMPORT_ID.test(importId)) throw new NotFoundError("importId", "No import has this id.");
    const after = cursorOf(req, "after", ROW_NO);
    const page = pageOf(res);
    const { keyId, orgId, role } = page.session!;
    const detail = getImportDetail(
      services.households,
      services.store.sqlite,
      { reader: { keyId, orgId, role }, requestId: res.locals.requestId },
      { importId, after: after === undefined ? undefined : Number(after), limit },
    );
    const pages = listPages(page, {
      label: page.t("importRows"),
      path: `/app/charity/imports/${importId}`,
      next: detail.next,
      paged: after !== undefined,
      param: "after",
    });
    renderPage(req, res, {
      title: `${page.t("importTitle")} ${dateTime(detail.createdAt, page.lang)}`,
      scripts: detail.status === "running" ? ["progress.js"] : [],
      body: html`${req.query.resolved === "1" ? html`<p class="notice" role="status">${page.t("reviewResolved")}</p>` : ""}
      ${importDetail(page, detail, pages)}`,
    });
  });

  router.get("/app/charity/registrations/:registrationId", requirePageRole("charity"), (req, res) => {
    const registrationId = String(req.params.registrationId);
    if (!REGISTRATION_ID.test(registrationId))
      throw new NotFoundError("registrationId", "No registration run has this id.");
    const page = pageOf(res);
    // Only the charity's own runs: another's is the 404 of an unknown one (the use-case's owner check).
    const run = registrationRun(services.disbursement, registrationId, page.session!);
    renderPage(req, res, {
      title: `${page.t("registrationTitle")} ${registrationId.slice(4, 12)}`,
      scripts: run.state === "running" ? ["progress.js"] : [],
      body: runDetail(page, run),
    });
  });

  router.get("/app/charity/disbursements/:disbursementId", requirePageRole("charity"), (req, res) => {
    const disbursementId = String(req.params.disbursementId);
    if (!DISBURSEMENT_ID.test(disbursementId))
      throw new NotFoundError("disbursementId", "No disbursement has this id.");
    const report = getDisbursement(services.disbursement, disbursementId);
    ownProgramme(res, report.programmeId);
    const page = pageOf(res);
    renderPage(req, res, {
      title: `${page.t("disbursementTitle")} ${disbursementId.slice(4, 12)}`,
      scripts: report.state === "running" ? ["progress.js"] : [],
      body: disbursementDetail(page, report),
    });
  });

  router.get(
    "/app/charity/programmes/:programmeId/coverage",
    requirePageRole("charity"),
    async (req: Request, res: Response) => {
      const programmeId = String(req.params.programmeId);
      if (!PROGRAMME_ID.test(programmeId))
        throw new NotFoundError("programmeId", "No programme has this id.");
      const period = typeof req.query.period === "string" ? req.query.period : undefined;
      if (period !== undefined && !PERIOD.test(period))
        throw new ValidationError("period", "invalid_period", "The period is a whole number.");
      ownProgramme(res, Number(programmeId));
      const report = await underCoverage(services.coverage, {
        programmeId: Number(programmeId),
        period: period === undefined ? undefined : Number(period),
      });
      const { first, current } = await programmePeriods(services.coverage, Number(programmeId));
      const page = pageOf(res);
      renderPage(req, res, {
        title: `${page.t("underCoverageTitle")} ${digits(programmeId, page.lang)}`,
        body: html`${coverageView(page, report, "/app/charity", {
          path: `/app/charity/programmes/${programmeId}/coverage`,
          first,
          current,
        })}
        ${deliveriesChart(
          deliveriesOverTime(
            { db: services.store.sqlite, decimals: services.programmes.decimals },
            Number(programmeId),
          ),
          page.t,
          page.lang,
        )}`,
      });
    },
  );
}
