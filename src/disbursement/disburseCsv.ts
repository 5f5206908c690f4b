import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { ValidationError } from "../errors";
import { beneficiaryRef, checkNationalId, refCandidates } from "../identity";
import { tokenAmountSchema, toUnits } from "../programmes/amounts";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { runDisbursement } from "./disburse";
import { refused, resolveRecipient, type PlannedRow } from "./planRows";
import type { DisbursementDeps, DisbursementReport } from "./types";

/** Columns of a disbursement file: one household per row, named by any member's national ID. */
export const DISBURSEMENT_COLUMNS = ["national_id", "amount"] as const;

export interface DisburseCsvParams {
  orgId: string;
  programmeId: number;
  idempotencyKey: string;
  /** A file path, a stream, or the CSV text. */
  csv: string | Readable;
  isPath?: boolean;
}

/**
 * Disburses from a charity's CSV of national IDs and amounts. IDs are normalised and turned into
 * references as they are read; neither the file nor any ID is stored. Rows are numbered from 1 after
 * the header.
 */
export async function disburseCsv(
  deps: DisbursementDeps,
  params: DisburseCsvParams,
): Promise<DisbursementReport> {
  // Read whole (the upload is capped) so its fingerprint is known before anything is decided.
  const bytes = await readAll(
    typeof params.csv === "string"
      ? params.isPath
        ? createReadStream(params.csv)
        : Readable.from([Buffer.from(params.csv)])
      : params.csv,
  );
  return runDisbursement(
    deps,
    {
      orgId: params.orgId,
      programmeId: params.programmeId,
      idempotencyKey: params.idempotencyKey,
      source: "csv",
      payload: bytes,
    },
    () => planFromCsv(deps, bytes),
  );
}

async function readAll(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function planFromCsv(deps: DisbursementDeps, bytes: Buffer): Promise<PlannedRow[]> {
  const input = Readable.from([bytes]);
  const parser = input.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, max_record_size: 4096 }));
  const rows: PlannedRow[] = [];
  const seen = new Set<string>();
  // Files repeat a few amounts: each is converted once, and its rows share the one value.
  const amounts = new Map<string, bigint>();
  const findHousehold = deps.db.prepare("SELECT household_ref FROM members WHERE beneficiary_ref = ?");
  let header: string[] | undefined;
  let rowNo = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((column) => column.toLowerCase());
        checkHeader(header);
        continue;
      }
      // The parser hands over a whole upload's rows without leaving the event loop: let requests in.
      if (++rowNo % 1000 === 0) await yieldToEventLoop();
      const value = (column: string) => record[header!.indexOf(column)] ?? "";
      const id = checkNationalId(value("national_id"));
      if (!id.ok) {
        rows.push(refused(rowNo, "invalid", "national_id", id.problem));
        continue;
      }
      const amount = tokenAmountSchema.safeParse(value("amount"));
      if (!amount.success) {
        rows.push(refused(rowNo, "invalid", "amount", "amount"));
        continue;
      }
      const householdRef = refCandidates(deps.peppers, beneficiaryRef, id.value)
        .map((candidate) => findHousehold.get(candidate.ref) as { household_ref: string } | undefined)
        .find(Boolean)?.household_ref;
      if (!householdRef) {
        rows.push(refused(rowNo, "not_enrolled", "national_id", "not_enrolled"));
        continue;
      }
      let units = amounts.get(amount.data);
      if (units === undefined) amounts.set(amount.data, (units = toUnits(amount.data, deps.decimals)));
      const row: PlannedRow = {
        rowNo,
        householdRef: null,
        beneficiaryRef: null,
        amount: units,
        status: "queued",
        field: null,
        code: null,
      };
      rows.push(resolveRecipient(deps, row, householdRef, seen));
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new ValidationError("csv", "malformed", `The CSV could not be read near row ${rowNo + 1}.`);
    }
    throw error;
  }
  if (!header) throw new ValidationError("csv", "empty", "The CSV has no header row.");
  return rows;
}

function checkHeader(header: readonly string[]): void {
  for (const column of header) {
    if (!(DISBURSEMENT_COLUMNS as readonly string[]).includes(column)) {
      // A header cell is echoed as the field only when it looks like a column name, never like data.
      const field = /^[a-z_]{1,40}$/.test(column) ? column : "header";
      throw new ValidationError(
        field,
        "unknown_column",
        "The CSV has a column this file type does not take.",
      );
    }
  }
  for (const column of DISBURSEMENT_COLUMNS) {
    if (!header.includes(column))
      throw new ValidationError(column, "missing_column", "The CSV lacks a required column.");
  }
}
