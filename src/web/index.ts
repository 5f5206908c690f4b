import type { Database } from "better-sqlite3";
import express, { Router, type ErrorRequestHandler } from "express";
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type { CoverageDeps } from "../coverage";
import type { DeliveryDeps } from "../delivery";
import type { DisbursementDeps } from "../disbursement";
import { AppError } from "../errors";
import type { HouseholdContext } from "../households";
import type { IndexerDeps } from "../indexer";
import type { MandateDeps } from "../mandates";
import type { OrganisationDeps } from "../organisations";
import type { ProgrammeDeps } from "../programmes";
import type { TimeBankDeps } from "../timebank";
import type { AuditLog } from "../../typechain-types";
import { registerAuditorPages } from "./auditor/auditorPages";
import { registerCharityPages } from "./charity/charityPages";
import { registerChainRelay } from "./chainRelay";
import { registerDonorPages } from "./donor/donorPages";
import type { VerifiedContracts } from "./donor/timelineView";
import { registerInsurerPages } from "./insurer/insurerPages";
import { html } from "./html";
import { errorBox, renderPage } from "./layout";
import { CsrfRefusedError, LoginRequiredError, pageOf, pageState, PageForbiddenError } from "./pageState";
import { registerRegulatorPages } from "./regulator/regulatorPages";
import { registerSessionPages } from "./sessionPages";
import { registerStaticAssets } from "./staticAssets";
import { registerMemberPages } from "./timebank/memberSelfPages";
import { registerTimebankPages } from "./timebank/timebankPages";
import { registerVendorPages } from "./vendor/vendorPages";

/** What the pages are built from: the same use-cases' dependencies the API routes get. */
export interface WebServices {
  store: { sqlite: Database };
  indexer: IndexerDeps;
  delivery: DeliveryDeps;
  provider: JsonRpcProvider;
  anchoring: { anchor: { target: unknown } };
  programmes: ProgrammeDeps;
  disbursement: DisbursementDeps;
  households: HouseholdContext;
  coverage: CoverageDeps;
  organisations: OrganisationDeps;
  system: { auditLog: AuditLog };
  timebank: TimeBankDeps;
  config: { webPageSize: number };
  mandates: MandateDeps;
}

/**
 * The people's face of the gateway: server-rendered pages under /app (Persian by default, English on
 * request), signed in by exchanging an API key or a one-time link for a session cookie, with static scripts only. Requests
 * outside /app pass through to the API untouched.
 */
export function webPages(services: WebServices, logger: Logger): Router {
  const router = Router();
  const db = services.store.sqlite;
  router.use(
    "/app",
    pageState(db),
    express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 50 }),
  );
  registerStaticAssets(router);
  registerChainRelay(router, () => services.provider);
  registerSessionPages(router, db, services.organisations.peppers);
  const system = services.delivery.system;
  const contracts: VerifiedContracts = {
    anchor: String(services.anchoring.anchor.target).toLowerCase(),
    ledger: String(system.ledger.target).toLowerCase(),
    registry: String(system.registry.target).toLowerCase(),
    mandates: String(system.mandates.target).toLowerCase(),
  };
  registerDonorPages(router, { indexer: services.indexer, contracts });
  registerVendorPages(router, { delivery: services.delivery });
  registerCharityPages(router, services);
  registerRegulatorPages(router, services);
  registerAuditorPages(router, {
    ...services,
    auditLog: services.system.auditLog,
    contracts,
  });
  registerTimebankPages(router, services);
  registerMemberPages(router, services);
  registerInsurerPages(router, services);
  router.use("/app", (req, res) => {
    const { t } = pageOf(res);
    renderPage(req, res, { title: t("notFoundTitle"), status: 404, body: html`<p>${t("notFound")}</p>` });
  });
  router.use(pageErrors(logger));
  return router;
}

/** Errors as pages, in the visitor's language; a stranger is sent to sign in and then back. */
function pageErrors(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!req.path.startsWith("/app") || !res.locals.page) return next(error);
    const page = pageOf(res);
    const { t } = page;
    if (error instanceof LoginRequiredError) {
      return res.redirect(303, `/app/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (error instanceof PageForbiddenError) {
      return renderPage(req, res, {
        title: t("forbiddenTitle"),
        status: 403,
        body: html`<p>${t("forbidden")}</p>`,
      });
    }
    if (error instanceof CsrfRefusedError) {
      return renderPage(req, res, { title: t("csrfTitle"), status: 403, body: html`<p>${t("csrf")}</p>` });
    }
    const known = error instanceof AppError;
    const status = known
      ? error.status
      : typeof error?.status === "number" && error.status < 500
        ? error.status
        : 500;
    if (status >= 500)
      logger.error(
        { err: { name: error?.name, message: error?.message }, path: req.route?.path },
        "page failed",
      );
    renderPage(req, res, {
      title: status === 404 ? t("notFoundTitle") : t("errorTitle"),
      status,
      body: errorBox(page, known ? error : { message: t("errorTitle") }),
    });
  };
}

export { CHAIN_RELAY_BODY_LIMIT, CHAIN_RELAY_PATH, RELAYED_METHODS } from "./chainRelay";
