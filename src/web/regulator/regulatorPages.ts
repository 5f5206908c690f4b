import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { AppError, NotFoundError } from "../../errors";
import { toAsciiDigits } from "../../identity";
import {
  changeLicence,
  listLicenceStates,
  registerOrganisation,
  type OrganisationDeps,
  type RegisterOrganisationParams,
} from "../../organisations";
import {
  listExclusivityGroups,
  listProgrammes,
  setGroupAdmission,
  setProgrammePause,
  type ProgrammeDeps,
  type ProgrammeRuleDeps,
} from "../../programmes";
import { html } from "../html";
import { errorBox, formFlag, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import type { TextKey } from "../i18n/texts";
import { pauseForm } from "../pauseForm";
import {
  grantedView,
  grantForm,
  groupTable,
  licenceTable,
  pausedTable,
  type GrantValues,
} from "./regulatorViews";

export interface RegulatorPageServices {
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
}

/** What `?changed=` after a write says on the page. */
const CHANGED: Record<string, TextKey> = {
  "1": "licenceChanged",
  group: "groupAdmissionChanged",
  pause: "programmePauseChanged",
};
const ID = /^[1-9][0-9]{0,15}$/;

/**
 * The regulator's page: every licence as the chain holds it (a pending revocation with the end of its
 * delay), the exclusivity groups with the charities admitted to them, and the paused programmes, read from
 * the chain through the organisations' and programmes' use-cases; and each licence's change form (suspend,
 * reinstate, revoke, cancel or finalise a revocation), the use-case of the licence-changes route; each
 * group's admission form and the programme pause form, the use-cases of
 * `POST /v1/exclusivity-groups/{groupId}/admissions` and `POST /v1/programmes/{programmeId}/pause`; and the
 * grant form, the use-case of `POST /v1/organisations` under the form's idempotency key. The regulator only.
 */
export function registerRegulatorPages(router: Router, services: RegulatorPageServices): void {
  const rules = (): ProgrammeRuleDeps => ({
    ...services.programmes,
    operator: services.organisations.operator,
  });
  const home = async (
    req: Request,
    res: Response,
    notice?: string,
    error?: AppError,
    grantValues?: GrantValues,
  ) => {
    const page = pageOf(res);
    const { t } = page;
    const [licences, groups, programmes] = await Promise.all([
      listLicenceStates(services.organisations),
      listExclusivityGroups(services.programmes),
      listProgrammes(services.programmes),
    ]);
    const byAddress = new Map(licences.map((licence) => [licence.address.toLowerCase(), licence.name]));
    const byOrg = new Map(licences.map((licence) => [licence.orgId, licence.name]));
    const charities = licences.filter((licence) => licence.role === "charity");
    const formKey = `web-${randomUUID()}`;
    renderPage(req, res, {
      title: t("regulatorTitle"),
      status: error?.status ?? 200,
      body: html`${errorBox(page, error)} ${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
        <p>${t("regulatorIntro")}</p>
        <section aria-labelledby="licences-heading">
          <h2 id="licences-heading">${t("licences")}</h2>
          <p class="hint">${t("licenceWrites")}</p>
          ${licenceTable(page, licences, formKey)}
        </section>
        <section aria-labelledby="grant-heading">
          <h2 id="grant-heading">${t("grantHeading")}</h2>
          <p class="hint">${t("grantHint")}</p>
          ${grantForm(page, formKey, grantValues)}
        </section>
        <section aria-labelledby="groups-heading">
          <h2 id="groups-heading">${t("groups")}</h2>
          <p class="hint">${t("groupAdmissionHint")}</p>
          ${groupTable(page, groups, byAddress, charities, formKey)}
        </section>
        <section aria-labelledby="paused-heading">
          <h2 id="paused-heading">${t("pausedProgrammes")}</h2>
          ${pausedTable(
            page,
            programmes.filter((programme) => programme.paused),
            byOrg,
          )}
          ${pauseForm(page, programmes, formKey, {
            action: "/app/regulator/programme-pauses",
            hint: "pauseHint",
          })}
        </section>`,
    });
  };

  router.get("/app/regulator", requirePageRole("regulator"), (req, res) =>
    home(req, res, CHANGED[String(req.query.changed)] && pageOf(res).t(CHANGED[String(req.query.changed)]!)),
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

  const fields = (req: Request) => {
    const body = req.body as Record<string, unknown>;
    return (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
  };

  // The same use-case as POST /v1/organisations: the answer shows the first API key once, in the page's
  // body (never its address); a refusal is shown above the page with the form as it was sent.
  router.post("/app/regulator/organisations", requirePageRole("regulator"), requireCsrf, async (req, res) => {
    const text = fields(req);
    const raw = req.body.layers as unknown;
    const layers = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const values: GrantValues = {
      name: text("name"),
      role: text("role"),
      layers,
      categories: toAsciiDigits(text("categories")),
      validDays: toAsciiDigits(text("validDays")),
    };
    // Digits as the numbers the schema expects; anything else is passed on for it to refuse, naming the field.
    const number = (value: string) => (/^[0-9]{1,6}$/.test(value) ? Number(value) : value) as number;
    const categories = values.categories.split(/[\s,،]+/).filter((part) => part !== "");
    let result;
    try {
      result = await registerOrganisation(services.organisations, {
        name: values.name,
        role: values.role as RegisterOrganisationParams["role"],
        layers: layers as RegisterOrganisationParams["layers"],
        categories: categories.map(number),
        validDays: number(values.validDays),
        idempotencyKey: text("idempotencyKey"),
      });
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error, values);
      throw error;
    }
    const { t } = pageOf(res);
    renderPage(req, res, {
      title: t(result.apiKey === null ? "grantedAgainTitle" : "grantedTitle"),
      status: result.apiKey === null ? 200 : 201,
      body: grantedView(pageOf(res), result),
    });
  });

  // The same use-case as POST /v1/exclusivity-groups/{groupId}/admissions, for one charity at a time.
  router.post(
    "/app/regulator/groups/:groupId/admissions",
    requirePageRole("regulator"),
    requireCsrf,
    async (req, res) => {
      const groupId = String(req.params.groupId);
      if (!ID.test(groupId)) throw new NotFoundError("groupId", "No exclusivity group has this id.");
      const text = fields(req);
      try {
        await setGroupAdmission(rules(), Number(groupId), {
          charityOrgIds: [text("charityOrgId")],
          admitted: formFlag(text("admitted")),
          idempotencyKey: text("idempotencyKey"),
        });
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
        throw error;
      }
      res.redirect(303, "/app/regulator?changed=group");
    },
  );

  // The same use-case as POST /v1/programmes/{programmeId}/pause, as the regulator.
  router.post(
    "/app/regulator/programme-pauses",
    requirePageRole("regulator"),
    requireCsrf,
    async (req, res) => {
      const text = fields(req);
      const programmeId = text("programmeId");
      try {
        if (!ID.test(programmeId)) throw new NotFoundError("programmeId", "No programme has this id.");
        const { orgId } = pageOf(res).session!;
        await setProgrammePause(rules(), { orgId, role: "regulator" }, Number(programmeId), {
          paused: formFlag(text("paused")),
          idempotencyKey: text("idempotencyKey"),
        });
      } catch (error) {
        if (error instanceof AppError && error.status < 500) return home(req, res, undefined, error);
        throw error;
      }
      res.redirect(303, "/app/regulator?changed=pause");
    },
  );
}
