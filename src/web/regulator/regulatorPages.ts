import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { AppError } from "../../errors";
import { changeLicence, listLicenceStates, type OrganisationDeps } from "../../organisations";
import { listExclusivityGroups, listProgrammes, type ProgrammeDeps } from "../../programmes";
import { html } from "../html";
import { errorBox, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import { groupTable, licenceTable, pausedTable } from "./regulatorViews";

export interface RegulatorPageServices {
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
}

/**
 * The regulator's page: every licence as the chain holds it (a pending revocation with the end of its
 * delay), the exclusivity groups with the charities admitted to them, and the paused programmes, read from
 * the chain through the organisations' and programmes' use-cases; and each licence's change form (suspend,
 * reinstate, revoke, cancel or finalise a revocation), the use-case of the licence-changes route. The
 * regulator only.
 */
export function registerRegulatorPages(router: Router, services: RegulatorPageServices): void {
  const home = async (req: Request, res: Response, notice?: string, error?: AppError) => {
    const page = pageOf(res);
    const { t } = page;
    const [licences, groups, programmes] = await Promise.all([
      listLicenceStates(services.organisations),
      listExclusivityGroups(services.programmes),
      listProgrammes(services.programmes),
    ]);
    const byAddress = new Map(licences.map((licence) => [licence.address.toLowerCase(), licence.name]));
    const byOrg = new Map(licences.map((licence) => [licence.orgId, licence.name]));
    renderPage(req, res, {
      title: t("regulatorTitle"),
      status: error?.status ?? 200,
      body: html`${errorBox(page, error)} ${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
        <p>${t("regulatorIntro")}</p>
        <section aria-labelledby="licences-heading">
          <h2 id="licences-heading">${t("licences")}</h2>
          <p class="hint">${t("licenceWrites")}</p>
          ${licenceTable(page, licences, `web-${randomUUID()}`)}
        </section>
        <section aria-labelledby="groups-heading">
          <h2 id="groups-heading">${t("groups")}</h2>
          ${groupTable(page, groups, byAddress)}
        </section>
        <section aria-labelledby="paused-heading">
          <h2 id="paused-heading">${t("pausedProgrammes")}</h2>
          ${pausedTable(
            page,
            programmes.filter((programme) => programme.paused),
            byOrg,
          )}
        </section>`,
    });
  };

  router.get("/app/regulator", requirePageRole("regulator"), (req, res) =>
    home(req, res, req.query.changed === "1" ? pageOf(res).t("licenceChanged") : undefined),
  );

  // The same use-case as POST /v1/organisations/{orgId}/licence-changes; a refusal is shown above the table.
  router.post(
    "/app/regulator/licences/:orgId",
    requirePageRole("regulator"),
    requireCsrf,
    async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
      const finding = text("findingId");
      try {
        await changeLicence(services.organisations, String(req.params.orgId), {
          action: text("action") as "suspend",
          // Digits as the number the schema expects; anything else is passed on for it to refuse, naming the field.
          findingId:
            finding === ""
              ? undefined
              : ((/^[0-9]{1,15}$/.test(finding) ? Number(finding) : finding) as number),
          idempotencyKey: text("idempotencyKey"),
        });
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
        throw error;
      }
      res.redirect(303, "/app/regulator?changed=1");
    },
  );
}
