import { formatUnits, parseUnits } from "ethers";
import type { ProgrammeView } from "../../programmes";
import { shareChart } from "../charts/shareChart";
import type { Html } from "../html";
import { digits } from "../i18n/format";
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
  const number = digits(programme.programmeId, lang);
  return shareChart(
    {
      id: `funds-${programme.programmeId}`,
      chartTitle: `${t("fundsChart")} ${number}`,
      caption: `${t("fundsTable")} ${number}`,
      parts: [
        { label: t("available"), amount: funds.available },
        { label: t("outstanding"), amount: funds.outstanding },
        { label: t("paid"), amount: funds.paid },
        { label: t("refunded"), amount: funds.refunded },
      ],
      whole: { label: t("given"), amount: funds.given },
      notes: [
        { label: `${t("ofWhich")} ${t("paid")}: ${t("collected")}`, amount: funds.collected },
        { label: t("heldByLedger"), amount: held, key: "held" },
      ],
    },
    t,
    lang,
  );
}
