import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { underCoverage, type CoverageDeps } from "../../coverage";
import { listDeliveries, type DeliveryDeps } from "../../delivery";
import { getDisbursement, listDisbursements, type DisbursementDeps } from "../../disbursement";
import type { SqliteStore } from "../../db";
import { AppError, NotFoundError, ValidationError } from "../../errors";
import { listDuplicateReviews, resolveDuplicateReview, type HouseholdContext } from "../../households";
import type { OrganisationDeps } from "../../organisations";
import { listProgrammes, programmeRow, setProgrammePause, type ProgrammeDeps } from "../../programmes";
import { html } from "../html";
import { digits } from "../i18n/format";
import { errorBox, formFlag, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import { pauseForm } from "../pauseForm";
import { coverageView } from "./coverageView";
import { disbursementDetail, disbursementList } from "./disbursementViews";
import { disputeList, programmeCards, reviewList } from "./charityViews";

export interface CharityPageServices {
  programmes: ProgrammeDeps;
  disbursement: DisbursementDeps;
  households: HouseholdContext;
  delivery: DeliveryDeps;
  coverage: CoverageDeps;
  organisations: Pick<OrganisationDeps, "operator">;
  store: Pick<SqliteStore, "sqlite">;
}

const DISBURSEMENT_ID = /^dsb_[0-9a-f-]{36}$/;
const PROGRAMME_ID = /^[1-9][0-9]{0,15}$/;
const PERIOD = /^(0|[1-9][0-9]{0,9})$/;
const ROW_NO = /^[1-9][0-9]{0,9}$/;
/** Newest first; older ones stay reachable through the API's pages. */
const LIST_LIMIT = 50;

/**
 * The charity's pages: its programmes' money, its disbursements and their progress, the duplicates its
 * imports left for review (each with its merge and reject buttons, the use-case of the review-resolution
 * route), disputed deliveries, each programme's under-coverage, and the form that pauses or resumes one of
 * its programmes (the use-case of `POST /v1/programmes/{programmeId}/pause`, signed by the charity's own key).
 * A charity sees only its own: another's disbursement, programme or import answers the 404 of one that does
 * not exist.
 */
export function registerCharityPages(router: Router, services: CharityPageServices): void {
  /** The caller's own programme, or the 404 of an unknown one. */
  const ownProgramme = (res: Response, programmeId: number) => {
    const row = programmeRow(services.programmes, programmeId);
    if (row.org_id !== pageOf(res).session!.orgId)
      throw new NotFoundError("programmeId", "No programme has this id.");
    return row;
  };

  const home = async (req: Request, res: Response, notice?: string, error?: AppError) => {
    const page = pageOf(res);
    const { t } = page;
    const session = page.session!;
    const [programmes, disputes] = await Promise.all([
      listProgrammes(services.programmes, session.orgId),
      listDeliveries(services.delivery, session, { disputed: true, limit: LIST_LIMIT }),
    ]);
    const { disbursements } = listDisbursements(services.disbursement, {
      orgId: session.orgId,
      limit: LIST_LIMIT,
    });
    const reviews = listDuplicateReviews(services.households, { orgId: session.orgId, limit: LIST_LIMIT });
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
        <section aria-labelledby="disbursements-heading">
          <h2 id="disbursements-heading">${t("disbursements")}</h2>
          ${disbursementList(page, disbursements)}
        </section>
        <section aria-labelledby="reviews-heading">
          <h2 id="reviews-heading">${t("reviews")}</h2>
          <p>${t("reviewsIntro")}</p>
          <p class="hint">${t("reviewHow")}</p>
          ${reviewList(page, reviews)}
        </section>
        <section aria-labelledby="disputes-heading">
          <h2 id="disputes-heading">${t("disputes")}</h2>
          <p>${t("disputesIntro")}</p>
          ${disputeList(page, disputes.deliveries)}
        </section>`,
    });
  };

  router.get("/app/charity", requirePageRole("charity"), (req, res) => {
    const { t } = pageOf(res);
    const notice =
      req.query.resolved === "1"
        ? t("reviewResolved")
        : req.query.changed === "pause"
          ? t("programmePauseChanged")
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
      res.redirect(303, "/app/charity?resolved=1");
    },
  );

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
      const page = pageOf(res);
      renderPage(req, res, {
        title: `${page.t("underCoverageTitle")} ${digits(programmeId, page.lang)}`,
        body: coverageView(page, report, "/app/charity"),
      });
    },
  );
}
