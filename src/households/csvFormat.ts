import { ValidationError } from "../errors";
import { normalisePostalCode, toAsciiDigits, type PostalCode } from "../identity";
import { householdAttributesSchema, type HouseholdAttributes } from "./attributes";
import { normaliseMember, type MemberDraft } from "./draft";
import { parseOrThrow } from "./zodErrors";

/**
 * The household CSV: UTF-8 (a BOM is fine), comma-separated, a header row, one row per member.
 *
 * | column              | level     | required | content                                                        |
 * |---------------------|-----------|----------|----------------------------------------------------------------|
 * | household_key       | member    | yes      | the file's own key grouping a household's rows (e.g. `H-0001`); |
 * |                     |           |          | a household's rows must be consecutive; never stored           |
 * | national_id         | member    | yes      | کد ملی: Persian, Arabic-Indic or ASCII digits; spaces, dashes ok |
 * | is_head             | member    | yes      | 1/0, true/false, yes/no, y/n, بله/خیر; one head per household  |
 * | job_code            | member    | yes      | a code from `JOB_CODES` (e.g. `employee`) or its Persian label |
 * | name                | member    | no       | stored only encrypted                                          |
 * | phone               | member    | no       | 11 digits starting with 0, or +98…; stored only encrypted      |
 * | postal_code         | household | yes      | کد پستی, 10 digits                                             |
 * | income              | household | no       | declared monthly household income in rials, whole number       |
 * | household_size      | household | no       | people living in the household; at least the rows given        |
 * | disability          | household | no       | one of `DISABILITIES`                                          |
 * | disability_severity | household | no       | mild, moderate or severe                                       |
 * | social_harms        | household | no       | `SOCIAL_HARMS` values separated by `;` or `|`                  |
 * | insured             | household | no       | like is_head                                                   |
 *
 * Household-level columns are read from the head's row; on other rows they must be blank or equal to
 * the head's. Unknown columns are refused, so no unexpected personal data is silently dropped.
 */
export const MEMBER_COLUMNS = [
  "household_key",
  "national_id",
  "is_head",
  "job_code",
  "name",
  "phone",
] as const;
export const HOUSEHOLD_COLUMNS = [
  "postal_code",
  "income",
  "household_size",
  "disability",
  "disability_severity",
  "social_harms",
  "insured",
] as const;
export const CSV_COLUMNS = [...MEMBER_COLUMNS, ...HOUSEHOLD_COLUMNS] as const;
export const REQUIRED_COLUMNS = [
  "household_key",
  "national_id",
  "is_head",
  "job_code",
  "postal_code",
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type HouseholdColumn = (typeof HOUSEHOLD_COLUMNS)[number];
export type CsvRecord = Partial<Record<CsvColumn, string>>;

/** Throws a 400 naming `header` (never the header's text, which may be a misplaced data row). */
export function checkHeader(columns: readonly string[]): void {
  const known = new Set<string>(CSV_COLUMNS);
  if (columns.some((c) => !known.has(c))) {
    throw new ValidationError(
      "header",
      "unknown_column",
      "The CSV header has a column this import does not know",
    );
  }
  if (new Set(columns).size !== columns.length) {
    throw new ValidationError("header", "repeated_column", "The CSV header repeats a column");
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) {
      throw new ValidationError(column, "missing_column", "The CSV header lacks a required column");
    }
  }
}

const TRUE = new Set(["1", "true", "yes", "y", "بله", "آری", "بلی"]);
const FALSE = new Set(["0", "false", "no", "n", "خیر", "نه"]);

export function parseBoolean(raw: string | undefined, field: string): boolean | undefined {
  const value = toAsciiDigits(raw ?? "")
    .trim()
    .toLowerCase();
  if (value === "") return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new ValidationError(field, "format", "Expected yes or no");
}

function parseWholeNumber(raw: string | undefined, field: string): number | undefined {
  // Thousands separators: ASCII comma, Arabic thousands separator (٬), spaces.
  const value = toAsciiDigits(raw ?? "").replace(/[,\u066c\s]/g, "");
  if (value === "") return undefined;
  if (!/^[0-9]{1,16}$/.test(value)) throw new ValidationError(field, "format", "Expected a whole number");
  return Number(value);
}

/** One member row to a draft member; errors name the CSV column. */
export function memberFromRecord(record: CsvRecord): MemberDraft {
  const isHead = parseBoolean(record.is_head, "is_head");
  if (isHead === undefined) throw new ValidationError("is_head", "required", "is_head is required");
  return normaliseMember(
    {
      nationalId: record.national_id,
      name: record.name || undefined,
      phone: record.phone,
      jobCode: record.job_code,
      isHead,
    },
    (key) => ({ nationalId: "national_id", name: "name", phone: "phone", jobCode: "job_code" })[key],
  );
}

/** The household-level columns of the head's row. */
export function householdFromRecord(record: CsvRecord): {
  postalCode: PostalCode;
  attributes: HouseholdAttributes;
} {
  const postalCode = normalisePostalCode(record.postal_code, "postal_code");
  const harms = (record.social_harms ?? "")
    .split(/[;|]/)
    .map((h) => h.trim())
    .filter((h) => h !== "");
  const attributes: Record<string, unknown> = {
    income: parseWholeNumber(record.income, "income"),
    size: parseWholeNumber(record.household_size, "household_size"),
    disability: record.disability?.trim() || undefined,
    disabilitySeverity: record.disability_severity?.trim() || undefined,
    socialHarms: harms.length > 0 ? harms : undefined,
    insured: parseBoolean(record.insured, "insured"),
  };
  for (const key of Object.keys(attributes)) if (attributes[key] === undefined) delete attributes[key];
  return { postalCode, attributes: parseOrThrow(householdAttributesSchema, attributes, "", columnOf) };
}

/** The CSV column an attribute error belongs to, so the row result points at the right cell. */
function columnOf(attributeField: string): string {
  const key = attributeField.replace(/[.[].*$/, "");
  const columns: Record<string, string> = {
    income: "income",
    size: "household_size",
    disability: "disability",
    disabilitySeverity: "disability_severity",
    socialHarms: "social_harms",
    insured: "insured",
  };
  return columns[key] ?? "household";
}

/** A non-head row may repeat the head's household values but not contradict them. */
export function conflictingHouseholdColumn(head: CsvRecord, member: CsvRecord): HouseholdColumn | undefined {
  const cell = (record: CsvRecord, column: HouseholdColumn) => toAsciiDigits(record[column] ?? "").trim();
  return HOUSEHOLD_COLUMNS.find((c) => cell(member, c) !== "" && cell(member, c) !== cell(head, c));
}
