import type { AuditResult } from "../types";
import {
  underCoverageSections,
  type UnderCoverageInput,
  type UnderCoverageSection,
} from "./underCoverageSection";

/** Coverage against enrolment in one coarse region, from the gateway's open-data file (counts only). */
export interface RegionCoverage {
  region: string;
  enrolled: number;
  covered: number;
}

/** The signed part of a report: the audit's result with every amount as a decimal string. */
export interface ReportBody {
  kind: "sintech-audit-report";
  version: 1;
  generatedAt: string;
  chainId: number;
  addresses: AuditResult["addresses"];
  fromBlock: number;
  throughBlock: number;
  counts: AuditResult["counts"];
  checks: AuditResult["checks"];
  passed: boolean;
  findings: AuditResult["findings"];
  programmes: {
    programmeId: string;
    token: string;
    given: string;
    paid: string;
    refunded: string;
    collected: string;
    escrowed: string;
    redemptions: number;
    gifts: { giftId: string; amount: string }[];
    paidTo: { vendor: string; amount: string }[];
  }[];
  /** Redemptions per day (UTC), for the deliveries chart. */
  deliveriesPerDay: { day: string; count: number; amount: string }[];
  coverage?: RegionCoverage[];
  /**
   * Under-coverage (کم‌پوشانی) per programme period from the gateway's household file, each beside the
   * chain's own count of households issued an entitlement for that period.
   */
  underCoverage?: UnderCoverageSection[];
  timings: AuditResult["timings"];
}

export function reportBodyOf(
  result: AuditResult,
  coverage?: RegionCoverage[],
  underCoverage?: readonly UnderCoverageInput[],
): ReportBody {
  const perDay = new Map<string, { count: number; amount: bigint }>();
  for (const redemption of result.redemptions) {
    const day = new Date(redemption.timestamp * 1000).toISOString().slice(0, 10);
    const entry = perDay.get(day) ?? { count: 0, amount: 0n };
    entry.count++;
    entry.amount += BigInt(redemption.amount);
    perDay.set(day, entry);
  }
  return {
    kind: "sintech-audit-report",
    version: 1,
    generatedAt: new Date().toISOString(),
    chainId: result.chainId,
    addresses: result.addresses,
    fromBlock: result.fromBlock,
    throughBlock: result.throughBlock,
    counts: result.counts,
    checks: result.checks,
    passed: result.findings.length === 0,
    findings: result.findings,
    programmes: result.programmes.map((books) => ({
      programmeId: books.programmeId,
      token: books.token,
      given: books.given.toString(),
      paid: books.paid.toString(),
      refunded: books.refunded.toString(),
      collected: books.collected.toString(),
      escrowed: (books.given - books.paid - books.refunded).toString(),
      redemptions: books.redemptions,
      gifts: [...books.gifts].map(([giftId, amount]) => ({ giftId, amount: amount.toString() })),
      paidTo: [...books.paidTo].map(([vendor, amount]) => ({ vendor, amount: amount.toString() })),
    })),
    deliveriesPerDay: [...perDay]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, entry]) => ({ day, count: entry.count, amount: entry.amount.toString() })),
    ...(coverage ? { coverage } : {}),
    ...(underCoverage
      ? { underCoverage: underCoverageSections(underCoverage, result.mints, result.throughBlock) }
      : {}),
    timings: result.timings,
  };
}
