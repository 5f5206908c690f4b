import { openData, type OpenDataParams, type OpenDataReport } from "./openData";
import { indexedThrough } from "./periodActivity";
import type { CoverageDeps } from "./types";

export interface OpenDataCacheOptions {
  /** The longest a report is served after it was computed (the household file's regions may change). */
  maxAgeMs?: number;
  /** Reports kept, one per programme period asked for; the least recently computed goes first. */
  maxEntries?: number;
  now?: () => number;
  /** What computes a report (tests count its calls). */
  compute?: (deps: CoverageDeps, params: OpenDataParams) => Promise<OpenDataReport>;
}

interface Entry {
  computedAt: number;
  /** The indexer's block when it was computed: a later block may hold the period's new events. */
  block: number | null;
  report: Promise<OpenDataReport>;
}

/**
 * Open data served from the last report of each programme period while it still holds: the indexer has
 * read no block since, it is younger than `maxAgeMs`, and (for the current period) the period has not
 * ended. Open data is public: computing it reads every household of the file and every event of the
 * period (about 0.15 ms per household), and each request for the current period asked the chain for it,
 * so a caller repeating one request could keep the gateway busy. Concurrent requests for one period share
 * one computation; a refusal (unknown programme, future period) is never kept.
 */
export function openDataCache(deps: CoverageDeps, options: OpenDataCacheOptions = {}) {
  const { maxAgeMs = 60_000, maxEntries = 256, now = Date.now, compute = openData } = options;
  const entries = new Map<string, Entry>();

  return async function cachedOpenData(params: OpenDataParams): Promise<OpenDataReport> {
    const key = `${params.programmeId}:${params.period ?? "current"}`;
    const block = indexedThrough(deps.db);
    const at = now();
    const entry = entries.get(key);
    if (entry && entry.block === block && at - entry.computedAt < maxAgeMs) {
      const report = await entry.report;
      if (params.period !== undefined || Date.parse(report.periodEndsAt) > at) return report;
    }
    const report = compute(deps, params);
    const fresh: Entry = { computedAt: at, block, report };
    entries.delete(key);
    entries.set(key, fresh);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    report.catch(() => {
      if (entries.get(key) === fresh) entries.delete(key);
    });
    return report;
  };
}
