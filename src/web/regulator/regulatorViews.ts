import {
  LAYERS,
  LICENCE_ACTIONS,
  ORGANISATION_ROLES,
  type LicenceState,
  type RegisterOrganisationResult,
} from "../../organisations";
import type { ExclusivityGroupView, ProgrammeView } from "../../programmes";
import { html, type Html } from "../html";
import { count, dateTime, digits, shortHash } from "../i18n/format";
import type { TextKey } from "../i18n/texts";
import { csrfField } from "../layout";
import type { PageState } from "../pageState";

type Page = Pick<PageState, "t" | "lang">;
const LAYER_KEYS: Record<string, TextKey> = {
  relief: "layer_relief",
  support: "layer_support",
  insurance: "layer_insurance",
};
const address = (value: string) => html`<code title="${value}">${shortHash(value)}</code>`;

/** Each licensed organisation: its role, its licence as the chain holds it, and a pending revocation's delay. */
export function licenceTable(page: PageState, licences: readonly LicenceState[], formKey: string): Html {
  const { t, lang } = page;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("licences")}">
    <table id="licences">
      <caption>
        ${t("licences")} (${count(licences.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("organisation")}</th>
          <th scope="col">${t("role")}</th>
          <th scope="col">${t("licenceStatus")}</th>
          <th scope="col">${t("validUntil")}</th>
          <th scope="col">${t("revocationFinalAt")}</th>
          <th scope="col">${t("licenceChange")}</th>
        </tr>
      </thead>
      <tbody>
        ${licences.map(
          (licence) =>
            html`<tr data-org="${licence.orgId}">
              <th scope="row">${licence.name} ${address(licence.address)}</th>
              <td>${t(`role_${licence.role}`)}</td>
              <td data-status="${licence.status}">${t(`licence_${licence.status}`)}</td>
              <td>${dateTime(licence.validUntil, lang)}</td>
              <td>${dateTime(licence.revocationFinalAt, lang)}</td>
              <td>${changeForm(page, licence, formKey)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A charity the regulator may admit to a group or withdraw from it. */
export interface CharityChoice {
  orgId: string;
  name: string;
  address: string;
}

/**
 * The exclusivity groups, with who may join each (admitted charities), the programmes in it, and each
 * group's admission form (a charity, admit or withdraw, the form's own idempotency key).
 */
export function groupTable(
  page: PageState,
  groups: readonly ExclusivityGroupView[],
  names: ReadonlyMap<string, string>,
  charities: readonly CharityChoice[],
  formKey: string,
): Html {
  const { t, lang } = page;
  if (!groups.length) return html`<p>${t("noGroups")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("groups")}">
    <table id="groups">
      <caption>
        ${t("groups")} (${count(groups.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("group")}</th>
          <th scope="col">${t("layer")} · ${t("categories")}</th>
          <th scope="col">${t("periodDays")}</th>
          <th scope="col">${t("maxCoverages")}</th>
          <th scope="col">${t("admitted")}</th>
          <th scope="col">${t("programmes")}</th>
          <th scope="col">${t("groupAdmissionChange")}</th>
        </tr>
      </thead>
      <tbody>
        ${groups.map(
          (group) =>
            html`<tr data-group="${group.groupId}">
              <th scope="row">${digits(group.groupId, lang)}</th>
              <td>
                ${LAYER_KEYS[group.layer] ? t(LAYER_KEYS[group.layer]!) : group.layer} ·
                ${group.categories.map((c) => digits(c, lang)).join("، ")}
              </td>
              <td class="num">${count(group.periodSeconds / 86_400, lang)}</td>
              <td class="num">${count(group.maxCoverages, lang)}</td>
              <td>
                ${
                  group.admitted.length
                    ? html`<ul class="plain">
                        ${group.admitted.map((charity) => html`<li>${names.get(charity) ?? ""} ${address(charity)}</li>`)}
                      </ul>`
                    : t("nobodyAdmitted")
                }
              </td>
              <td>${group.programmeIds.map((id) => digits(id, lang)).join("، ") || "—"}</td>
              <td>${admissionForm(page, group, charities, formKey)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Programmes paused on chain, by whom they belong to. */
export function pausedTable(
  page: Page,
  programmes: readonly ProgrammeView[],
  names: ReadonlyMap<string, string>,
): Html {
  const { t, lang } = page;
  if (!programmes.length) return html`<p>${t("noPaused")}</p>`;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t("pausedProgrammes")}">
    <table id="paused">
      <caption>
        ${t("pausedProgrammes")} (${count(programmes.length, lang)})
      </caption>
      <thead>
        <tr>
          <th scope="col">${t("programme")}</th>
          <th scope="col">${t("charity")}</th>
          <th scope="col">${t("period")}</th>
        </tr>
      </thead>
      <tbody>
        ${programmes.map(
          (programme) =>
            html`<tr data-programme="${programme.programmeId}">
              <th scope="row">${programme.name} (${digits(programme.programmeId, lang)})</th>
              <td>${names.get(programme.orgId) ?? programme.orgId}</td>
              <td>${dateTime(programme.startsAt, lang)} – ${dateTime(programme.endsAt, lang)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** One licence's change form: the action, the finding it cites, and the form's own idempotency key. */
function changeForm(page: PageState, licence: LicenceState, formKey: string): Html {
  const { t } = page;
  const id = `change-${licence.orgId}`;
  return html`<form method="post" action="/app/regulator/licences/${licence.orgId}" class="change">
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-${licence.orgId}" />
    <label for="${id}-action">${t("licenceActionFor")} ${licence.name}</label>
    <select id="${id}-action" name="action">
      ${LICENCE_ACTIONS.map((action) => html`<option value="${action}">${t(`action_${action}`)}</option>`)}
    </select>
    <label for="${id}-finding">${t("findingCited")}</label>
    <input id="${id}-finding" name="findingId" inputmode="numeric" autocomplete="off" />
    <button type="submit">${t("apply")}</button>
  </form>`;
}

/** One group's admission form: which charity, admit or withdraw, and the form's own idempotency key. */
function admissionForm(
  page: PageState,
  group: ExclusivityGroupView,
  charities: readonly CharityChoice[],
  formKey: string,
): Html {
  const { t, lang } = page;
  if (!charities.length) return html`${t("noCharities")}`;
  const id = `group-${group.groupId}`;
  return html`<form method="post" action="/app/regulator/groups/${group.groupId}/admissions" class="change">
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-group-${group.groupId}" />
    <label for="${id}-charity">${t("groupAdmissionCharity")} ${digits(group.groupId, lang)}</label>
    <select id="${id}-charity" name="charityOrgId">
      ${charities.map((charity) => html`<option value="${charity.orgId}">${charity.name}</option>`)}
    </select>
    <label for="${id}-action">${t("groupAdmissionAction")}</label>
    <select id="${id}-action" name="admitted">
      <option value="true">${t("action_admit")}</option>
      <option value="false">${t("action_withdraw")}</option>
    </select>
    <button type="submit">${t("apply")}</button>
  </form>`;
}

/** What the grant form was sent with, to show it again beside a refusal. */
export interface GrantValues {
  name: string;
  role: string;
  layers: readonly string[];
  categories: string;
  validDays: string;
}

export const GRANT_DEFAULTS: GrantValues = {
  name: "",
  role: "charity",
  layers: LAYERS,
  categories: "0, 1, 2, 3, 4, 5, 6, 7",
  validDays: "365",
};

/**
 * The grant form: the organisation's name, its role (the licence kind), layers, categories and how long the
 * licence lasts, with the form's own idempotency key so sending it twice registers one organisation.
 */
export function grantForm(page: PageState, formKey: string, values: GrantValues = GRANT_DEFAULTS): Html {
  const { t, lang } = page;
  return html`<form method="post" action="/app/regulator/organisations" class="card" id="grant">
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-grant" />
    <label for="grant-name">${t("grantName")}</label>
    <input
      id="grant-name"
      name="name"
      required
      maxlength="120"
      autocomplete="organization"
      value="${values.name}"
    />
    <label for="grant-role">${t("grantRole")}</label>
    <select id="grant-role" name="role">
      ${ORGANISATION_ROLES.map(
        (role) =>
          html`<option value="${role}" ${role === values.role ? html`selected` : ""}>
            ${t(`role_${role}`)}
          </option>`,
      )}
    </select>
    <fieldset>
      <legend>${t("grantLayers")}</legend>
      ${LAYERS.map(
        (layer) =>
          html`<label class="choice"
            ><input
              type="checkbox"
              name="layers"
              value="${layer}"
              ${values.layers.includes(layer) ? html`checked` : ""}
            />
            ${t(LAYER_KEYS[layer]!)}</label
          >`,
      )}
    </fieldset>
    <label for="grant-categories">${t("grantCategories")}</label>
    <input
      id="grant-categories"
      name="categories"
      dir="ltr"
      autocomplete="off"
      value="${digits(values.categories, lang)}"
    />
    <label for="grant-days">${t("grantValidDays")}</label>
    <input
      id="grant-days"
      name="validDays"
      inputmode="numeric"
      dir="ltr"
      autocomplete="off"
      value="${digits(values.validDays, lang)}"
    />
    <button type="submit">${t("grantSubmit")}</button>
  </form>`;
}

/**
 * The grant's answer: the organisation as registered and, the first time only, its API key (in the page's
 * body, never in its address; the page is not cached). A repeat of the same form says it was already granted.
 */
export function grantedView(page: PageState, result: RegisterOrganisationResult): Html {
  const { t, lang } = page;
  const { organisation } = result;
  return html`${result.apiKey === null ? html`<p class="notice" role="status">${t("grantedAgain")}</p>` : ""}
    <dl class="facts" id="granted" data-org="${organisation.orgId}">
      <dt>${t("organisation")}</dt>
      <dd>${organisation.name} ${address(organisation.address)}</dd>
      <dt>${t("role")}</dt>
      <dd>${t(`role_${organisation.role}`)}</dd>
      <dt>${t("grantedStatus")}</dt>
      <dd data-status="${organisation.licenceStatus}">${t(`grant_${organisation.licenceStatus}`)}</dd>
      <dt>${t("validUntil")}</dt>
      <dd>
        ${
          organisation.validUntil === null
            ? "—"
            : dateTime(new Date(organisation.validUntil * 1000).toISOString(), lang)
        }
      </dd>
    </dl>
    ${
      result.apiKey === null
        ? ""
        : html`<section class="card" aria-labelledby="key-heading">
            <h2 id="key-heading">${t("apiKey")}</h2>
            <p>${t("grantedKey")}</p>
            <p><code id="granted-key" dir="ltr">${result.apiKey}</code></p>
          </section>`
    }
    <p><a href="/app/regulator">${t("backToRegulator")}</a></p>`;
}
