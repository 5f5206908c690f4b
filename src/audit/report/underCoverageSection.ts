import type { MintRecord } from "../types";

/** One coarse region of a gateway's under-coverage file: counts only. */
export interface UnderCoverageRegionInput {
  region: string;
  eligible: number;
  covered: number;
  uncovered: number;
}

/**
 * A gateway's under-coverage of one programme period (`sintech under-coverage --out`), as the report takes
 * it: the gateway's own figures from its household file, which the chain cannot show, beside the one
 * figure the audit recounts from the chain (households issued an entitlement for the period).
 */
export interface UnderCoverageInput {
  programmeId: number;
  programmeName: string;
  period: number;
  periodStartsAt: string;
  periodEndsAt: string;
  smallCountThreshold: number;
  enrolled: number;
  notRegistered: number;
  eligible: number;
  covered: number;
  uncovered: number;
  issuedHouseholds: number;
  regions: UnderCoverageRegionInput[];
  indexedThroughBlock: number | null;
}

export interface UnderCoverageSection extends UnderCoverageInput {
  /** Households the audited chain shows issued an entitlement for the period, through `indexedThroughBlock`. */
  issuedOnChain: number;
  /** The gateway's `issuedHouseholds` equals the audit's count, and `covered` is no more than it. */
  consistentWithChain: boolean;
}

const COUNTS = [
  "smallCountThreshold",
  "enrolled",
  "notRegistered",
  "eligible",
  "covered",
  "uncovered",
] as const;

/**
 * The under-coverage file's reports (one object, or an array of them), checked field by field: the file
 * comes from a gateway, and only counts, names of coarse regions and the programme's own fields may pass
 * into a signed report. Throws naming the first field at fault.
 */
export function parseUnderCoverage(raw: unknown): UnderCoverageInput[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((item, index) => {
    const at = (field: string) => `under-coverage[${index}].${field}`;
    const value = (item ?? {}) as Record<string, unknown>;
    const count = (field: string, of: Record<string, unknown> = value, where = at(field)): number => {
      const n = of[field];
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
        throw new Error(`${where} must be a whole number`);
      return n;
    };
    const text = (field: string): string => {
      const s = value[field];
      if (typeof s !== "string" || s.length > 200) throw new Error(`${at(field)} must be a short text`);
      return s;
    };
    if (value.kind !== "sintech-under-coverage")
      throw new Error(`${at("kind")} must be "sintech-under-coverage"`);
    const regions = value.regions;
    if (!Array.isArray(regions)) throw new Error(`${at("regions")} must be a list`);
    const indexed = value.indexedThroughBlock;
    return {
      programmeId: count("programmeId"),
      programmeName: text("programmeName"),
      period: count("period"),
      periodStartsAt: text("periodStartsAt"),
      periodEndsAt: text("periodEndsAt"),
      ...(Object.fromEntries(COUNTS.map((field) => [field, count(field)])) as Record<
        (typeof COUNTS)[number],
        number
      >),
      issuedHouseholds: count("issuedHouseholds"),
      regions: regions.map((row: unknown, r) => {
        const region = (row ?? {}) as Record<string, unknown>;
        const where = (field: string) => at(`regions[${r}].${field}`);
        if (typeof region.region !== "string" || !/^(postal-\d{2}|other)$/.test(region.region))
          throw new Error(`${where("region")} must be a postal area or "other"`);
        return {
          region: region.region,
          eligible: count("eligible", region, where("eligible")),
          covered: count("covered", region, where("covered")),
          uncovered: count("uncovered", region, where("uncovered")),
        };
      }),
      indexedThroughBlock: indexed === null ? null : count("indexedThroughBlock"),
    };
  });
}

/**
 * Each gateway report beside the chain's own count of households issued an entitlement of the programme
 * for the period, through the block the gateway read to (the audited block if it read further or never).
 */
export function underCoverageSections(
  inputs: readonly UnderCoverageInput[],
  mints: readonly MintRecord[],
  throughBlock: number,
): UnderCoverageSection[] {
  return inputs.map((input) => {
    const through = Math.min(input.indexedThroughBlock ?? throughBlock, throughBlock);
    const accounts = new Set<string>();
    for (const mint of mints) {
      if (
        mint.programmeId === String(input.programmeId) &&
        mint.period === input.period &&
        mint.blockNumber <= through
      )
        accounts.add(mint.account);
    }
    return {
      ...input,
      issuedOnChain: accounts.size,
      consistentWithChain: input.issuedHouseholds === accounts.size && input.covered <= accounts.size,
    };
  });
}
