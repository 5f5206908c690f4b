import type { OpenDataReport } from "./openData";

/**
 * The open-data CSV's columns, documented for its readers (README and the API document say the same).
 * One row per coarse region, then one `total` row; `vendors` is given on the total row only.
 */
export const OPEN_DATA_COLUMNS = [
  ["programme_id", "The programme's on-chain id"],
  ["period", "The programme period (block time / period length, as the chain counts it)"],
  ["period_starts_at", "The period's first second, UTC"],
  ["period_ends_at", "The first second after the period, UTC"],
  ["region", 'A postal area (`postal-13`: the first two digits), "other" (under 5 households), or "total"'],
  ["households_covered", "Households issued an entitlement of the programme for the period"],
  ["amount_issued", "Entitlements issued for the period, whole settlement-token units"],
  ["amount_redeemed", "Entitlements redeemed with vendors in the period, whole units"],
  ["deliveries", "Redemptions in the period"],
  ["vendors", "Distinct vendors redeemed with (total row only)"],
  ["indexed_through_block", "The chain block the figures were read at"],
] as const;

/** The report as CSV (RFC 4180, LF line ends); no cell holds free text but the programme's own fields. */
export function openDataCsv(report: OpenDataReport): string {
  const head = [report.programmeId, report.period, report.periodStartsAt, report.periodEndsAt];
  const block = report.indexedThroughBlock ?? "";
  const rows = report.regions.map((row) => [
    ...head,
    row.region,
    row.householdsCovered,
    row.amountIssued,
    row.amountRedeemed,
    row.deliveries,
    "",
    block,
  ]);
  const { totals } = report;
  rows.push([
    ...head,
    "total",
    totals.householdsCovered,
    totals.amountIssued,
    totals.amountRedeemed,
    totals.deliveries,
    totals.vendors,
    block,
  ]);
  return [OPEN_DATA_COLUMNS.map(([name]) => name), ...rows].map((row) => row.join(",")).join("\n") + "\n";
}
