import type { Router } from "express";
import { listLicenceStates, type OrganisationDeps } from "../../organisations";
import { listExclusivityGroups, listProgrammes, type ProgrammeDeps } from "../../programmes";
import { html } from "../html";
import { renderPage } from "../layout";
import { pageOf, requirePageRole } from "../pageState";
import { groupTable, licenceTable, pausedTable } from "./regulatorViews";

export interface RegulatorPageServices {
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
}

/**
 * The regulator's page: every licence as the chain holds it (a pending revocation with the end of its
 * delay), the exclusivity groups with the charities admitted to them, and the paused programmes. Read from
 * the chain through the organisations' and programmes' use-cases; the regulator only.
 */
export function registerRegulatorPages(router: Router, services: RegulatorPageServices): void {
  router.get("/app/regulator", requirePageRole("regulator"), async (req, res) => {
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
      body: html`<p>${t("regulatorIntro")}</p>
        <section aria-labelledby="licences-heading">
          <h2 id="licences-heading">${t("licences")}</h2>
          <p class="hint">${t("licenceWrites")}</p>
          ${licenceTable(page, licences)}
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
  });
}
