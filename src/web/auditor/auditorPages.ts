import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import type { AuditLog } from "../../../typechain-types";
import { listAuditRecords } from "../../audit";
import {
  deliveryView,
  listDeliveries,
  resolveDisputeFlag,
  visibleDeliveryRow,
  type DeliveryDeps,
} from "../../delivery";
import { AppError, NotFoundError } from "../../errors";
import { deliveriesOverTime, listProgrammeGifts, type IndexerDeps } from "../../indexer";
import { listOrganisations, type OrganisationDeps } from "../../organisations";
import { getProgramme, listProgrammes, type ProgrammeDeps } from "../../programmes";
import { fundsView } from "../charity/fundsView";
import { deliveriesChart } from "../charts/deliveriesChart";
import { html, type Html } from "../html";
import { digits } from "../i18n/format";
import { errorBox, formFlag, renderPage } from "../layout";
import { cursorOf, listPages } from "../listPages";
import { pageOf, requireCsrf, requirePageRole, type PageState } from "../pageState";
import {
  disputeSection,
  findingTable,
  giftList,
  programmeIndex,
  receiptView,
  redemptionList,
  reportTable,
} from "./auditorViews";
import type { VerifiedContracts } from "../donor/timelineView";

export interface AuditorPageServices {
  auditLog: AuditLog;
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
  indexer: IndexerDeps;
  delivery: DeliveryDeps;
  /** The contracts the receipt's in-browser checks ask (as the donor's timeline). */
  contracts: VerifiedContracts;
  config: { webPageSize: number };
}

const PROGRAMME_ID = /^[1-9][0-9]{0,15}$/;
const DELIVERY_ID = /^dlv_[0-9a-f-]{36}$/;
const GIFT_ID = /^[1-9][0-9]{0,15}$/;

/** A programme's list on the auditor's pages, read a page at a time newest first from a keyset cursor. */
interface ProgrammeList {
  /** Its heading's text key, its section's id and its own page's path under the programme's. */
  key: "gifts" | "redemptions";
  /** The shape of its cursor (its items' ids). */
  cursor: RegExp;
  read(
    page: PageState,
    programmeId: number,
    before?: string,
  ): Promise<{ body: Html; next: string | number | null }>;
}

/**
 * The auditor's pages: findings and anchored signed reports (the AuditLog's events), every programme, and
 * the drill-down from a programme to its gifts (their timelines, with proofs checked in the browser) and its
 * redemptions (both newest first, a page at a time from a keyset cursor, so every one is reachable), each
 * receipt with its transaction checked against the chain, and a disputed one's path with the form that
 * resolves its flag on chain (the auditor's own key; the regulator's is the operator). The regulator reads
 * them too.
 */
export function registerAuditorPages(router: Router, services: AuditorPageServices): void {
  const readers = requirePageRole("auditor", "regulator");
  const names = () =>
    new Map(
      listOrganisations(services.organisations).flatMap((org) => [
        [org.address.toLowerCase(), org.name] as const,
        [org.orgId, org.name] as const,
      ]),
    );

  router.get("/app/auditor", readers, async (req, res) => {
    const page = pageOf(res);
    const { t } = page;
    const [records, programmes] = await Promise.all([
      listAuditRecords(services.auditLog),
      listProgrammes(services.programmes),
    ]);
    const byName = names();
    renderPage(req, res, {
      title: t("auditorTitle"),
      body: html`<p>${t("auditorIntro")}</p>
        <section aria-labelledby="findings-heading">
          <h2 id="findings-heading">${t("findings")}</h2>
          ${findingTable(page, records.findings, byName)}
        </section>
        <section aria-labelledby="reports-heading">
          <h2 id="reports-heading">${t("reports")}</h2>
          ${reportTable(page, records.reports, byName)}
        </section>
        <section aria-labelledby="programmes-heading">
          <h2 id="programmes-heading">${t("programmes")}</h2>
          ${programmes.length ? programmeIndex(page, programmes, byName) : html`<p>${t("noProgrammes")}</p>`}
        </section>`,
    });
  });

  const limit = services.config.webPageSize;
  const lists: readonly ProgrammeList[] = [
    {
      key: "gifts",
      cursor: GIFT_ID,
      read: async (page, programmeId, before) => {
        const { gifts, next } = listProgrammeGifts(services.indexer, programmeId, {
          before: before === undefined ? undefined : Number(before),
          limit,
        });
        return { body: giftList(page, gifts), next };
      },
    },
    {
      key: "redemptions",
      cursor: DELIVERY_ID,
      read: async (page, programmeId, before) => {
        const { deliveries, next } = await listDeliveries(services.delivery, page.session!, {
          programmeId,
          state: "redeemed",
          before,
          limit,
        });
        return { body: redemptionList(page, deliveries), next };
      },
    },
  ];

  /** The programme the address names: an id of the right shape the programmes know, else an unknown one's 404. */
  const programmeOf = (req: Request) => {
    const programmeId = String(req.params.programmeId);
    if (!PROGRAMME_ID.test(programmeId)) throw new NotFoundError("programmeId", "No programme has this id.");
    return getProgramme(services.programmes, Number(programmeId));
  };

  /** One list's page of the programme and the links to its other pages (older, and back to the newest). */
  const listBody = async (page: PageState, list: ProgrammeList, programmeId: number, before?: string) => {
    const { body, next } = await list.read(page, programmeId, before);
    return html`${body}
    ${listPages(page, {
      label: page.t(list.key),
      path: `/app/auditor/programmes/${programmeId}/${list.key}`,
      next,
      paged: before !== undefined,
    })}`;
  };

  router.get("/app/auditor/programmes/:programmeId", readers, async (req, res) => {
    const programme = await programmeOf(req);
    const page = pageOf(res);
    const sections = await Promise.all(
      lists.map(
        async (list) =>
          html`<section aria-labelledby="${list.key}-heading">
            <h2 id="${list.key}-heading">${page.t(list.key)}</h2>
            ${await listBody(page, list, programme.programmeId)}
          </section>`,
      ),
    );
    renderPage(req, res, {
      title: `${page.t("auditProgrammeTitle")} ${digits(programme.programmeId, page.lang)}`,
      body: html`<p>${programme.name}</p>
        ${fundsView(page, programme, services.programmes.decimals)}
        ${deliveriesChart(deliveriesOverTime(services.indexer, programme.programmeId), page.t, page.lang)}
        ${sections}
        <p><a href="/app/auditor">${page.t("back")}</a></p>`,
    });
  });

  for (const list of lists) {
    router.get(`/app/auditor/programmes/:programmeId/${list.key}`, readers, async (req, res) => {
      const before = cursorOf(req, "before", list.cursor);
      const programme = await programmeOf(req);
      const page = pageOf(res);
      const programmePath = `/app/auditor/programmes/${programme.programmeId}`;
      renderPage(req, res, {
        title: `${page.t(list.key)} · ${page.t("auditProgrammeTitle")} ${digits(programme.programmeId, page.lang)}`,
        body: html`<p><a href="${programmePath}">${programme.name}</a></p>
          ${await listBody(page, list, programme.programmeId, before)}
          <p><a href="${programmePath}">${page.t("back")}</a></p>`,
      });
    });
  }

  const receiptPage = async (req: Request, res: Response, notice?: string, error?: AppError) => {
    const deliveryId = String(req.params.deliveryId);
    if (!DELIVERY_ID.test(deliveryId)) throw new NotFoundError("deliveryId", "No delivery has this id.");
    const page = pageOf(res);
    const delivery = await deliveryView(
      services.delivery,
      visibleDeliveryRow(services.delivery, deliveryId, page.session!),
    );
    renderPage(req, res, {
      title: `${page.t("receiptTitle")} ${delivery.redemptionId.slice(0, 10)}`,
      status: error?.status ?? 200,
      scripts: ["keccak.js", "verify.js"],
      body: html`${errorBox(page, error)} ${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
      ${receiptView(page, delivery, services.contracts)}
      ${disputeSection(page, delivery, `web-${randomUUID()}`)}`,
    });
  };

  router.get("/app/auditor/deliveries/:deliveryId", readers, (req, res) =>
    receiptPage(req, res, req.query.resolved === "1" ? pageOf(res).t("flagResolved") : undefined),
  );

  // The same use-case as POST /v1/deliveries/{deliveryId}/flag-resolution: checked against the chain first
  // (a refusal shows above the page, nothing sent), then sent from the auditor's key through the outbox.
  router.post(
    "/app/auditor/deliveries/:deliveryId/flag-resolution",
    readers,
    requireCsrf,
    async (req, res) => {
      const deliveryId = String(req.params.deliveryId);
      const body = req.body as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
      try {
        if (!DELIVERY_ID.test(deliveryId)) throw new NotFoundError("deliveryId", "No delivery has this id.");
        const { orgId, role } = pageOf(res).session!;
        await resolveDisputeFlag(
          { ...services.delivery, operator: services.organisations.operator },
          { orgId, role: role as "auditor" | "regulator" },
          deliveryId,
          {
            upheld: formFlag(text("upheld")),
            reportCid: text("reportCid") === "" ? undefined : text("reportCid"),
            idempotencyKey: text("idempotencyKey"),
          },
        );
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return receiptPage(req, res, undefined, error);
        throw error;
      }
      res.redirect(303, `/app/auditor/deliveries/${deliveryId}?resolved=1`);
    },
  );
}
