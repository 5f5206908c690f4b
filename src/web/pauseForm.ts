import type { ProgrammeView } from "../programmes";
import { html, type Html } from "./html";
import { digits } from "./i18n/format";
import type { TextKey } from "./i18n/texts";
import { csrfField } from "./layout";
import type { PageState } from "./pageState";

/**
 * The form to pause or resume a programme, with each one's state as the chain holds it: the regulator's
 * over every programme, a charity's over its own. Both post to the use-case of
 * `POST /v1/programmes/{programmeId}/pause`.
 */
export function pauseForm(
  page: PageState,
  programmes: readonly ProgrammeView[],
  formKey: string,
  { action, hint }: { action: string; hint: TextKey },
): Html {
  const { t, lang } = page;
  if (!programmes.length) return html`<p>${t("noProgrammes")}</p>`;
  return html`<form method="post" action="${action}" class="card" id="pause-form">
    <h3>${t("pauseHeading")}</h3>
    <p class="hint" id="pause-hint">${t(hint)}</p>
    ${csrfField(page)}
    <input type="hidden" name="idempotencyKey" value="${formKey}-pause" />
    <label for="pause-programme">${t("pauseProgramme")}</label>
    <select id="pause-programme" name="programmeId" aria-describedby="pause-hint">
      ${programmes.map(
        (programme) =>
          html`<option value="${programme.programmeId}">
            ${programme.name} (${digits(programme.programmeId, lang)}) —
            ${programme.paused ? t("paused") : t("programmeRunning")}
          </option>`,
      )}
    </select>
    <label for="pause-action">${t("pauseAction")}</label>
    <select id="pause-action" name="paused">
      <option value="true">${t("action_pause")}</option>
      <option value="false">${t("action_resume")}</option>
    </select>
    <button type="submit">${t("apply")}</button>
  </form>`;
}
