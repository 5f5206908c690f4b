import { formatUnits, parseUnits } from "ethers";
import type { ProgrammeView } from "../../programmes";
import { barChartSvg, percentOf } from "../charts/barChart";
import { html, type Html } from "../html";
import { amount, digits } from "../i18n/format";
import type { PageState } from "../pageState";

/** A whole-unit amount as the page writes it: `"1500"`, `"12.5"` (no trailing `.0`). */
const wholeUnits = (units: bigint, decimals: number) => formatUnits(units, decimals).replace(/\.0$/, "");

/**
 * One programme's money: the four parts that add up to what donors gave (free budget, issued and not yet
 * redeemed, paid to vendors, refunded) as bars and as a table, with what vendors collected of the paid part
 * and what the ledger still holds (`given - refunded - collected`, the contract's own definition).
 */
export function fundsView(
  page: Pick<PageState, "t" | "lang">,
  programme: ProgrammeView,
  decimals: number,
): Html {
  const { t, lang } = page;
  const { funds } = programme;
  const units = (value: string) => parseUnits(value, decimals);
  const held = wholeUnits(units(funds.given) - units(funds.refunded) - units(funds.collected), decimals);
  const parts = [
    { label: t("available"), value: funds.available },
    { label: t("outstanding"), value: funds.outstanding },
    { label: t("paid"), value: funds.paid },
    { label: t("refunded"), value: funds.refunded },
  ];
  const given = Number(funds.given);
  const id = `funds-${programme.programmeId}`;
  const svg = barChartSvg(
    parts.map((part) => ({ label: part.label, text: amount(part.value, lang), value: Number(part.value) })),
    given,
    { id: `${id}-title`, text: `${t("fundsChart")} ${digits(programme.programmeId, lang)}` },
    lang,
  );
  return html`<div class="flow-grid">
    <figure>${svg}</figure>
    <div
      class="scroll"
      tabindex="0"
      role="region"
      aria-label="${t("fundsTable")} ${digits(programme.programmeId, lang)}"
    >
      <table id="${id}">
        <caption>
          ${t("fundsTable")} ${digits(programme.programmeId, lang)}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t("part")}</th>
            <th scope="col">${t("amount")}</th>
            <th scope="col">${t("share")}</th>
          </tr>
        </thead>
        <tbody>
          ${parts.map(
            (part) =>
              html`<tr>
                <th scope="row">${part.label}</th>
                <td class="num">${amount(part.value, lang)}</td>
                <td class="num">${percentOf(Number(part.value), given, lang)}</td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">${t("given")}</th>
            <td class="num" data-funds="given">${amount(funds.given, lang)}</td>
            <td class="num">${percentOf(1, 1, lang)}</td>
          </tr>
          <tr>
            <th scope="row">${t("ofWhich")} ${t("paid")}: ${t("collected")}</th>
            <td class="num">${amount(funds.collected, lang)}</td>
            <td class="num">${percentOf(Number(funds.collected), given, lang)}</td>
          </tr>
          <tr>
            <th scope="row">${t("heldByLedger")}</th>
            <td class="num" data-funds="held">${amount(held, lang)}</td>
            <td class="num">${percentOf(Number(held), given, lang)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  </div>`;
}
