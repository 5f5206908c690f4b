import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import type { ImportCounts, ImportRowRecord, Store } from "../db";
import { AppError, DuplicateError, ValidationError } from "../errors";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { requestFingerprinter } from "../identity";
import type { HouseholdContext } from "./context";
import { checkHeader, type CsvColumn, type CsvRecord } from "./csvFormat";
import { readImportReport, type ImportReport } from "./getImportReport";
import { importHouseholdGroups, type CsvRow } from "./importHouseholdGroup";

/** A path to a CSV file, or a stream of its bytes (an upload). The format is in `csvFormat.ts`. */
export type ImportSource = string | Readable;

export interface ImportProgress {
  importId: string;
  rowsRead: number;
  householdsProcessed: number;
  counts: Omit<ImportCounts, "rows" | "householdsEnrolled">;
  done: boolean;
}

export interface ImportHouseholdsCsvOptions {
  /** Chosen by the caller; the same key and file give the same result without writing anything twice. */
  idempotencyKey: string;
  /** The organisation running the import: it enrolls the households, and only it (with the registrar and
   * auditors) reads the report. A key another organisation used is refused as reused. */
  enrolledBy?: string | null;
  onProgress?: (progress: ImportProgress) => void;
  /** Report progress about every this many rows (at household boundaries); default 250. */
  progressEvery?: number;
}

export interface ImportHouseholdsCsvResult extends ImportReport {
  /** True when this key had already completed and the stored result was returned. */
  replayed: boolean;
}

/**
 * Households written per SQLite transaction at most; progress reports and refused rows also close one.
 * One commit per household cost about as much as validating, encrypting and inserting it; and as every
 * household lands on random pages of each index (its references are keyed hashes), a commit rewrites a
 * share of every index that grows with the table: at 100 per commit the commits alone made an import's
 * cost per household grow with the households already enrolled.
 */
const HOUSEHOLDS_PER_TRANSACTION = 500;

/** Keys being imported right now, per store, so two concurrent calls cannot interleave one import. */
const running = new WeakMap<Store, Set<string>>();

/**
 * Imports households from a CSV, streaming: rows are grouped by `household_key` as they arrive and
 * each household is validated and written whole with its per-row results (a savepoint each, up to
 * `HOUSEHOLDS_PER_TRANSACTION` per commit), so thousands of rows need memory for one batch only and a
 * crash never leaves half a household.
 *
 * Refused means nothing written: the whole file is read and checked first (header, CSV syntax, readable
 * to the end), so a file refused for its form leaves no `imports` row and no household; only a file that
 * passed is imported. Rows refused one by one (a bad check digit) are results of a completed import.
 *
 * Idempotency: a key is bound to its file's sha256 from the start. A completed key returns its stored
 * result; a key interrupted by a crash resumes under the same import id, skipping the households it
 * already recorded; the key with another file is refused (409 `idempotency_key_reused`); the key sent
 * again while its import runs is refused (409 `import_in_progress`). People already enrolled
 * elsewhere, or listed twice, go to the review list instead of being written.
 */
export async function importHouseholdsCsv(
  ctx: HouseholdContext,
  source: ImportSource,
  options: ImportHouseholdsCsvOptions,
): Promise<ImportHouseholdsCsvResult> {
  const key = options.idempotencyKey;
  if (typeof key !== "string" || key.trim() === "" || key.length > 200) {
    throw new ValidationError(
      "idempotencyKey",
      "required",
      "An idempotency key of 1 to 200 characters is required",
    );
  }
  const keys = running.get(ctx.store) ?? new Set<string>();
  running.set(ctx.store, keys);
  if (keys.has(key))
    throw new DuplicateError("idempotencyKey", "import_in_progress", "An import with this key is running");

  keys.add(key);
  try {
    const file = await readChecked(ctx, source);
    const existing = ctx.store.imports.findByIdempotencyKey(key);
    // An import made before keys were bound to their file at the start has no sha256 until it completed.
    const enrolledBy = options.enrolledBy ?? null;
    if (
      existing &&
      ((existing.fileSha256 !== null && existing.fileSha256 !== file.sha256) ||
        (existing.orgId ?? null) !== enrolledBy)
    ) {
      throw new DuplicateError(
        "idempotencyKey",
        "idempotency_key_reused",
        "This idempotency key was used for another file",
      );
    }
    if (existing?.status === "completed")
      return { ...readImportReport(ctx, existing.importId), replayed: true };

    // A failed import, or one left "running" by a process that died (this one holds no lock on it),
    // resumes under the same id.
    const importId = existing?.importId ?? randomUUID();
    if (existing) ctx.store.imports.restart(importId, file.rows);
    else
      ctx.store.imports.create({
        importId,
        idempotencyKey: key,
        fileSha256: file.sha256,
        createdAt: ctx.now().toISOString(),
        orgId: enrolledBy,
        rowsExpected: file.rows,
      });

    try {
      await runImport(ctx, importId, file.open(), options);
    } catch (error) {
      const failure = asImportError(error);
      const errorCode = failure instanceof AppError ? (failure.code ?? failure.name) : "internal";
      ctx.store.imports.finish(importId, {
        status: "failed",
        fileSha256: file.sha256,
        errorCode,
        finishedAt: ctx.now().toISOString(),
      });
      throw failure;
    }
    ctx.store.imports.finish(importId, {
      status: "completed",
      fileSha256: file.sha256,
      errorCode: null,
      finishedAt: ctx.now().toISOString(),
    });
    return { ...readImportReport(ctx, importId), replayed: false };
  } finally {
    keys.delete(key);
  }
}

/** A file that was read to its end and found well-formed, with a way to read it again. */
interface CheckedFile {
  /** The file's keyed fingerprint (HMAC-SHA256 with the pepper): the file holds national IDs. */
  sha256: string;
  /** Its data rows (the header not counted), as the import will read them: what its progress counts to. */
  rows: number;
  open(): Readable;
}

/**
 * Reads the whole file once, checking what would refuse it (header, CSV syntax, a dropped upload) before
 * anything is written. A path is read again for the import; an upload (capped in size) is kept in memory.
 */
async function readChecked(ctx: HouseholdContext, source: ImportSource): Promise<CheckedFile> {
  const chunks: Buffer[] = [];
  const hash = requestFingerprinter(ctx.peppers, "household-import");
  const keeper = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      if (typeof source !== "string") chunks.push(chunk);
      callback(null, chunk);
    },
  });
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, max_record_size: 64 * 1024 });
  const flowing = pipeline(toStream(source), keeper, parser);
  flowing.catch(() => undefined); // its error also ends the loop below, which reports it
  let header = false;
  let rows = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (header) {
        rows++;
        continue;
      }
      checkHeader(cells.map((c) => c.toLowerCase()));
      header = true;
    }
    await flowing;
  } catch (error) {
    parser.destroy();
    throw asImportError(error);
  }
  if (!header) throw new ValidationError("header", "missing_header", "The CSV file is empty");
  const sha256 = hash.digest("hex");
  return {
    sha256,
    rows,
    open: () => (typeof source === "string" ? createReadStream(source) : Readable.from(chunks)),
  };
}

function toStream(source: ImportSource): Readable {
  return typeof source === "string" ? createReadStream(source) : source;
}

/** Parser and file errors become 400s that say where, never what: their messages may quote the data. */
function asImportError(error: unknown): unknown {
  if (error instanceof CsvError) {
    const where = typeof error.lines === "number" ? ` near line ${error.lines}` : "";
    return new ValidationError("file", "malformed_csv", `The CSV file is malformed${where}`);
  }
  if (
    (error as NodeJS.ErrnoException)?.code === "ENOENT" ||
    (error as NodeJS.ErrnoException)?.code === "EISDIR"
  ) {
    return new ValidationError("file", "unreadable", "The CSV file could not be read");
  }
  return error;
}

async function runImport(
  ctx: HouseholdContext,
  importId: string,
  input: Readable,
  { onProgress, progressEvery = 250, enrolledBy = null }: ImportHouseholdsCsvOptions,
): Promise<void> {
  // Rows come as arrays: the header is checked by us, so a bad header never reaches an error message.
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, max_record_size: 64 * 1024 });
  const flowing = pipeline(input, parser);
  flowing.catch(() => undefined); // its error also ends the loop below, which reports it

  const recorded = ctx.store.imports.recordedRowNumbers(importId);
  const { rows: _rows, householdsEnrolled: _households, ...counts } = ctx.store.imports.tally(importId);
  let rowsRead = 0;
  let householdsProcessed = 0;
  let reportedAt = 0;
  const report = (done: boolean) => {
    reportedAt = rowsRead;
    onProgress?.({ importId, rowsRead, householdsProcessed, counts: { ...counts }, done });
  };
  const count = (results: readonly ImportRowRecord[]) => {
    for (const r of results) {
      if (r.status === "already_enrolled") counts.alreadyEnrolled++;
      else counts[r.status]++;
    }
  };

  const finished = new Set<string>();
  let group: { key: string; rows: CsvRow[] } | undefined;
  let pending: CsvRow[][] = [];
  let writeFailed = false;
  let committed = false;
  const writePending = () => {
    if (pending.length === 0) return;
    const households = pending;
    pending = [];
    writeFailed = true;
    committed = true;
    for (const results of importHouseholdGroups(ctx, importId, households, enrolledBy)) count(results);
    writeFailed = false;
  };
  const flush = () => {
    if (!group) return;
    finished.add(group.key);
    householdsProcessed++;
    // A resumed import skips what it already committed; a household is recorded whole or not at all.
    if (!group.rows.every((row) => recorded.has(row.rowNo))) pending.push(group.rows);
    group = undefined;
    if (pending.length >= HOUSEHOLDS_PER_TRANSACTION) writePending();
    if (onProgress && rowsRead - reportedAt >= progressEvery) {
      writePending(); // what a progress report counts is committed
      report(false);
    }
  };

  let header: CsvColumn[] | undefined;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        const columns = cells.map((c) => c.toLowerCase());
        checkHeader(columns);
        header = columns as CsvColumn[];
        continue;
      }
      const record: CsvRecord = Object.fromEntries(header.map((column, i) => [column, cells[i] ?? ""]));
      const row = { rowNo: ++rowsRead, record };
      const key = record.household_key ?? "";
      if (group && group.key === key) {
        group.rows.push(row);
        continue;
      }
      flush();
      if (committed) {
        committed = false;
        await yieldToEventLoop(); // between commits, other requests are answered
      }
      if (key === "" || finished.has(key)) {
        // No key, or a household whose rows were split apart: the row stands alone and is refused.
        const code = key === "" ? "required" : "not_contiguous";
        if (!recorded.has(row.rowNo)) {
          writePending();
          count(recordInvalidRow(ctx, importId, row.rowNo, code));
        }
        continue;
      }
      group = { key, rows: [row] };
    }
    flush();
    writePending();
    if (!header) throw new ValidationError("header", "missing_header", "The CSV file is empty");
    await flowing;
  } catch (error) {
    input.destroy();
    parser.destroy();
    // Households read before a bad line or a dropped upload are kept, as a resume would skip them.
    if (!writeFailed) writePending();
    throw error;
  }
  report(true);
}

function recordInvalidRow(
  ctx: HouseholdContext,
  importId: string,
  rowNo: number,
  code: string,
): ImportRowRecord[] {
  const rows: ImportRowRecord[] = [
    {
      importId,
      rowNo,
      status: "invalid",
      errorField: "household_key",
      errorCode: code,
      beneficiaryRef: null,
      householdRef: null,
    },
  ];
  ctx.store.imports.insertRows(rows);
  return rows;
}
