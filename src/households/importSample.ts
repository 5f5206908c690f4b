import { syntheticNationalId, type NationalId } from "../identity";
import { DISABILITIES, SEVERITIES, SOCIAL_HARMS } from "./attributes";
import { CSV_COLUMNS, type CsvRecord } from "./csvFormat";
import { JOB_CODES, type JobCode } from "./jobCodes";

/**
 * Synthetic household CSVs for tests and benchmarks: valid national IDs (real check digits) written in
 * Persian, Arabic-Indic or ASCII digits, deterministic for a given seed, never a real person.
 */
export interface SampleHouseholdsOptions {
  households: number;
  /** Seed of the random choices (sizes, jobs, attributes); default 1. */
  seed?: number;
  /** First `syntheticNationalId` seed, so two samples can be made disjoint; default 0. */
  firstIdSeed?: number;
  /** Members per household, 1..maxMembers; default 6. */
  maxMembers?: number;
  /** How IDs and postal codes are written; `mixed` picks per row. Default `mixed`. */
  digits?: "ascii" | "persian" | "arabic" | "mixed";
  /** Share of households with a military or security member; default 0.02. */
  militaryShare?: number;
}

export interface SampleHouseholds {
  csv: string;
  rowCount: number;
  householdCount: number;
  /** Members of each household, in file order: where each household's rows start and end. */
  householdSizes: number[];
  /** Every national ID in the file, normalised, in row order. */
  nationalIds: NationalId[];
  /** Every other personal value in the file (postal codes, names, phones) as written. */
  otherPersonalValues: string[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ["زهرا", "فاطمه", "علی", "محمد", "مریم", "حسین", "سارا", "رضا"];
const LAST_NAMES = ["احمدی", "رضایی", "کریمی", "موسوی", "حسینی", "جعفری"];

function writeDigits(ascii: string, style: "ascii" | "persian" | "arabic"): string {
  const zero = style === "persian" ? 0x06f0 : style === "arabic" ? 0x0660 : 0x30;
  return [...ascii].map((d) => String.fromCodePoint(zero + Number(d))).join("");
}

const csvCell = (value: string): string =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function sampleHouseholdsCsv(options: SampleHouseholdsOptions): SampleHouseholds {
  const {
    households,
    seed = 1,
    firstIdSeed = 0,
    maxMembers = 6,
    digits = "mixed",
    militaryShare = 0.02,
  } = options;
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const style = () => (digits === "mixed" ? pick(["ascii", "persian", "arabic"] as const) : digits);
  const digitsOf = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");

  const lines = [CSV_COLUMNS.join(",")];
  const nationalIds: NationalId[] = [];
  const otherPersonalValues: string[] = [];
  const householdSizes: number[] = [];
  let idSeed = firstIdSeed;

  for (let h = 0; h < households; h++) {
    const size = 1 + Math.floor(rand() * maxMembers);
    householdSizes.push(size);
    const military = rand() < militaryShare;
    const postalCode = "1" + digitsOf(9);
    const disability = rand() < 0.15 ? pick(DISABILITIES) : "";
    const household: CsvRecord = {
      postal_code: writeDigits(postalCode, style()),
      income: String(Math.floor(rand() * 40) * 5_000_000),
      household_size: String(size + (rand() < 0.1 ? 1 : 0)),
      disability,
      disability_severity: disability && pick(SEVERITIES),
      social_harms: rand() < 0.1 ? pick(SOCIAL_HARMS) : "",
      insured: rand() < 0.6 ? "yes" : "no",
    };
    otherPersonalValues.push(postalCode);

    for (let m = 0; m < size; m++) {
      const nationalId = syntheticNationalId(idSeed++);
      nationalIds.push(nationalId);
      const name = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)} ${idSeed}`;
      const phone = "09" + digitsOf(9);
      otherPersonalValues.push(name, phone);
      const jobCode: JobCode =
        military && m === 0 ? "military_security" : pick(JOB_CODES.filter((j) => j !== "military_security"));
      const written = writeDigits(nationalId, style());
      const record: CsvRecord = {
        household_key: `H-${String(h + 1).padStart(6, "0")}`,
        // Some IDs arrive grouped with dashes, as on printed cards.
        national_id:
          rand() < 0.2 ? `${written.slice(0, 3)}-${written.slice(3, 9)}-${written.slice(9)}` : written,
        is_head: m === 0 ? "1" : "0",
        job_code: jobCode,
        name,
        phone,
        // Household columns on the head's row only, as a charity's export usually has them.
        ...(m === 0 ? household : {}),
      };
      lines.push(CSV_COLUMNS.map((c) => csvCell(record[c] ?? "")).join(","));
    }
  }
  return {
    csv: lines.join("\n") + "\n",
    rowCount: nationalIds.length,
    householdCount: households,
    householdSizes,
    nationalIds,
    otherPersonalValues,
  };
}
