import { Readable } from "node:stream";
import { CSV_COLUMNS } from "../../../src/households";

const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** A CSV built from rows given as column → value, in the import's column order. */
export function csvOf(rows: Record<string, string>[], columns: readonly string[] = CSV_COLUMNS): string {
  return (
    [columns.join(","), ...rows.map((row) => columns.map((c) => cell(row[c] ?? "")).join(","))].join("\n") +
    "\n"
  );
}

/** A fresh stream of the text, as an upload would arrive. */
export const streamOf = (text: string): Readable => Readable.from([Buffer.from(text, "utf8")]);

/** A member row with household columns filled in when it is the head. */
export function memberRow(
  householdKey: string,
  nationalId: string,
  isHead: boolean,
  extra: Record<string, string> = {},
) {
  return {
    household_key: householdKey,
    national_id: nationalId,
    is_head: isHead ? "1" : "0",
    job_code: isHead ? "employee" : "pupil",
    ...(isHead ? { postal_code: "1318514357", income: "50000000", insured: "no" } : {}),
    ...extra,
  };
}
