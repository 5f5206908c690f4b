import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";

/** How the CLI reaches a running gateway: SINTECH_URL (default the embedded address) and SINTECH_API_KEY. */
export interface ApiTarget {
  url: string;
  /** Null for a public route, which is called without a key. */
  apiKey: string | null;
}

export function apiTarget(env: NodeJS.ProcessEnv): ApiTarget {
  const apiKey = env.SINTECH_API_KEY;
  if (!apiKey) throw new CliError("SINTECH_API_KEY is not set: the command needs an organisation's API key.");
  return { url: gatewayUrl(env), apiKey };
}

/** The gateway's address, for a public route too (no key needed). */
export function gatewayUrl(env: NodeJS.ProcessEnv): string {
  return (env.SINTECH_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
}

/** The value after `--name` in `args`, undefined when the flag is absent, refused when it has no value. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith("--")) throw new CliError(`${name} needs a value.`);
  return value;
}

/** A failure the CLI explains in one line, with exit code 2; never a stack trace. */
export class CliError extends Error {
  override name = "CliError";
}

export async function requestJson(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      ...(target.apiKey === null ? {} : { authorization: `Bearer ${target.apiKey}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    throw new CliError(`Cannot reach the gateway at ${target.url}: ${(error as Error).message}`);
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/**
 * Streams a CSV file to the gateway with a progress bar on stderr. The gateway reads the upload as it
 * arrives, so bytes sent track rows processed. The bar is redrawn only when it changes and ends with one
 * full bar, so a log of stderr (no carriage returns) shows each state once.
 */
export async function uploadCsv(
  target: ApiTarget,
  path: string,
  file: string,
  idempotencyKey: string,
  out: NodeJS.WritableStream = process.stderr,
): Promise<{ status: number; body: unknown }> {
  const total = statSync(file).size;
  let sent = 0;
  let drawn = "";
  const draw = (done: number) => {
    const bar = progressBar(done, total);
    if (bar !== drawn) out.write(`\r${bar}`);
    drawn = bar;
  };
  const source = createReadStream(file);
  source.on("data", (chunk) => {
    sent += (chunk as Buffer).length;
    draw(sent);
  });
  const response = await fetch(`${target.url}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${target.apiKey}`,
      "content-type": "text/csv",
      "idempotency-key": idempotencyKey,
    },
    body: Readable.toWeb(source) as unknown as BodyInit,
    duplex: "half",
  } as RequestInit & { duplex: "half" }).catch((error: unknown) => {
    throw new CliError(`Cannot reach the gateway at ${target.url}: ${(error as Error).message}`);
  });
  draw(total);
  out.write("\n");
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** `[#####.....]  50%  1.5 KB of 3.0 KB`: a share of `total` bytes, with sizes in the unit that fits. */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(share * 100)
    .toString()
    .padStart(3)}%  ${formatBytes(Math.min(done, total))} of ${formatBytes(total)}`;
}

/** Bytes below 1 KB as bytes, then KB and MB with one decimal (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The API's error shape, as one readable line. */
export function describeFailure(status: number, body: unknown): string {
  const error = (body as { error?: { name?: string; message?: string; field?: string } } | null)?.error;
  if (!error) return `The gateway answered ${status}.`;
  return `${error.message ?? error.name} (${status}${error.field ? `, field ${error.field}` : ""})`;
}

/** A long job's answer as the gateway gives it (a disbursement or a registration run). */
export interface JobStatus {
  state: "running" | "done";
  progress: { rows: number; done: number; refused: number; pending: number; chainWritesPending: number };
}

/**
 * `[###.....]  40%  4,000 of 10,000 rows, 12 refused, 3 chain writes pending`: rows decided (written on
 * chain or refused) out of all the job's rows.
 */
export function jobBar(progress: JobStatus["progress"], width = 30): string {
  const decided = progress.done + progress.refused;
  const share = progress.rows === 0 ? 1 : Math.min(1, decided / progress.rows);
  const filled = Math.round(share * width);
  const n = (value: number) => value.toLocaleString("en");
  return (
    `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(share * 100)
      .toString()
      .padStart(3)}%  ${n(decided)} of ${n(progress.rows)} rows, ${n(progress.refused)} refused, ` +
    `${n(progress.chainWritesPending)} chain writes pending`
  );
}

export interface FollowOptions {
  out?: NodeJS.WritableStream;
  /** Milliseconds between status reads. */
  intervalMs?: number;
}

/**
 * Polls a long job's status route until its state is `done`, drawing a progress bar on `out` (redrawn
 * only when it changes, ended with a newline). Returns the last answer.
 */
export async function followJob<T extends JobStatus>(
  target: ApiTarget,
  path: string,
  first: T,
  options: FollowOptions = {},
): Promise<T> {
  const out = options.out ?? process.stderr;
  const intervalMs = options.intervalMs ?? 500;
  let drawn = "";
  let current = first;
  for (;;) {
    const bar = jobBar(current.progress);
    if (bar !== drawn) out.write(`\r${bar}`);
    drawn = bar;
    if (current.state === "done") break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await requestJson(target, "GET", path);
    if (next.status >= 400) {
      out.write("\n");
      throw new CliError(describeFailure(next.status, next.body));
    }
    current = next.body as T;
  }
  out.write("\n");
  return current;
}
