import type { Database } from "better-sqlite3";
import {
  JsonRpcApiProvider,
  keccak256,
  type Interface,
  type Provider,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { DuplicateError } from "../errors";
import { decodeRevert, type DecodedRevert } from "./decodeRevert";

/**
 * The durable queue of chain writes. A job is queued in the same SQLite transaction as the business rows
 * that need it; the worker signs it, records the signed bytes and hash, and only then broadcasts. After a
 * crash, a signed job is re-broadcast byte for byte (same nonce, same hash), so it is neither lost nor
 * sent twice.
 */
export const CHAIN_OUTBOX_SQL = `
  CREATE TABLE chain_jobs (
    job_id          INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    from_address    TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    data            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'signed', 'confirmed', 'failed')),
    nonce           INTEGER,
    raw_tx          TEXT,
    tx_hash         TEXT,
    block_number    INTEGER,
    gas_used        TEXT,
    error_name      TEXT,
    error_args      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX chain_jobs_pending ON chain_jobs (status, job_id) WHERE status IN ('queued', 'signed');
`;

export type JobStatus = "queued" | "signed" | "confirmed" | "failed";

export interface ChainJob {
  jobId: number;
  idempotencyKey: string;
  kind: string;
  from: string;
  to: string;
  data: string;
  status: JobStatus;
  nonce: number | null;
  txHash: string | null;
  blockNumber: number | null;
  gasUsed: bigint | null;
  error: DecodedRevert | null;
}

export interface EnqueueParams {
  idempotencyKey: string;
  kind: string;
  from: string;
  to: string;
  data: string;
}

/** Effects a job kind applies when its transaction is final; run in the same DB transaction as the status. */
export interface JobHandlers {
  confirmed?(job: ChainJob, receipt: TransactionReceipt): void;
  failed?(job: ChainJob, error: DecodedRevert): void;
}

/** What the outbox needs of a key: a KMS or HSM signer can stand in for the local keystore. */
export interface TransactionSigner {
  readonly address: string;
  signTransaction(tx: TransactionRequest): Promise<string>;
}

export interface OutboxOptions {
  db: Database;
  provider: Provider;
  /** Signing keys by lower-case address (a Map, or a keystore lookup). */
  signers: { get(address: string): TransactionSigner | undefined };
  /** ABIs used to name a revert's custom error. */
  interfaces: readonly Interface[];
  /** Milliseconds to wait for a receipt before leaving the job signed for the next run. */
  receiptTimeoutMs?: number;
  /** Called after the signed bytes are recorded and before broadcasting; tests throw here to simulate a crash. */
  afterSign?(job: ChainJob): void;
}

interface JobRow {
  job_id: number;
  idempotency_key: string;
  kind: string;
  from_address: string;
  to_address: string;
  data: string;
  status: JobStatus;
  nonce: number | null;
  raw_tx: string | null;
  tx_hash: string | null;
  block_number: number | null;
  gas_used: string | null;
  error_name: string | null;
  error_args: string | null;
}

export class ChainOutbox {
  private readonly handlers = new Map<string, JobHandlers>();
  private running: Promise<ChainJob[]> | undefined;
  private ended = 0;

  constructor(private readonly options: OutboxOptions) {}

  /** Registers what a kind of job does to the business rows when it ends. */
  on(kind: string, handlers: JobHandlers): void {
    this.handlers.set(kind, handlers);
  }

  /**
   * Queues a write; call inside the caller's DB transaction. The same idempotency key with the same
   * payload returns the existing job; with another payload it is refused.
   */
  enqueue(params: EnqueueParams): ChainJob {
    const { db } = this.options;
    const existing = db
      .prepare("SELECT * FROM chain_jobs WHERE idempotency_key = ?")
      .get(params.idempotencyKey) as JobRow | undefined;
    if (existing) {
      const same =
        existing.kind === params.kind &&
        existing.to_address === params.to.toLowerCase() &&
        existing.from_address === params.from.toLowerCase() &&
        existing.data === params.data;
      if (!same)
        throw new DuplicateError(
          "idempotencyKey",
          "reused",
          "This idempotency key was used for another request.",
        );
      return toJob(existing);
    }
    const now = new Date().toISOString();
    const result = db
      .prepare(
        `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(
        params.idempotencyKey,
        params.kind,
        params.from.toLowerCase(),
        params.to.toLowerCase(),
        params.data,
        now,
        now,
      );
    return this.get(Number(result.lastInsertRowid))!;
  }

  get(jobId: number): ChainJob | undefined {
    const row = this.options.db.prepare("SELECT * FROM chain_jobs WHERE job_id = ?").get(jobId) as
      JobRow | undefined;
    return row && toJob(row);
  }

  byKey(idempotencyKey: string): ChainJob | undefined {
    const row = this.options.db
      .prepare("SELECT * FROM chain_jobs WHERE idempotency_key = ?")
      .get(idempotencyKey) as JobRow | undefined;
    return row && toJob(row);
  }

  /**
   * How many jobs have ended (confirmed or failed) in this process. A chain read started when this was
   * lower may predate a write the caller has already been told about.
   */
  get endedCount(): number {
    return this.ended;
  }

  pendingCount(): number {
    const row = this.options.db
      .prepare("SELECT count(*) AS n FROM chain_jobs WHERE status IN ('queued', 'signed')")
      .get() as { n: number };
    return row.n;
  }

  /** Runs every pending job in order; concurrent callers share one run. Returns the jobs that ended. */
  drain(): Promise<ChainJob[]> {
    this.running ??= this.runPending().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runPending(): Promise<ChainJob[]> {
    const ended: ChainJob[] = [];
    for (;;) {
      const row = this.options.db
        .prepare("SELECT * FROM chain_jobs WHERE status IN ('queued', 'signed') ORDER BY job_id LIMIT 1")
        .get() as JobRow | undefined;
      if (!row) return ended;
      const job = await this.runJob(row);
      if (job.status === "signed") return ended; // no receipt yet: leave it for the next run
      ended.push(job);
    }
  }

  private async runJob(row: JobRow): Promise<ChainJob> {
    if (row.status === "queued") {
      const signed = await this.sign(row);
      if (!signed) return this.get(row.job_id)!;
      row = signed;
      this.options.afterSign?.(toJob(row));
    }
    const receipt = await this.broadcastAndWait(row);
    if (!receipt) return toJob(row);
    if (receipt.status === 1) {
      this.finish(row, "confirmed", receipt, null);
    } else {
      const error = await this.explainFailure(row, receipt.blockNumber);
      this.finish(row, "failed", receipt, error);
    }
    return this.get(row.job_id)!;
  }

  /** Estimates, signs and records the signed bytes; a revert at estimation fails the job without a nonce. */
  private async sign(row: JobRow): Promise<JobRow | undefined> {
    const { provider, signers } = this.options;
    const wallet = signers.get(row.from_address);
    if (!wallet) {
      this.finish(row, "failed", null, { name: "SignerUnavailable", args: [] });
      return undefined;
    }
    const request = { from: wallet.address, to: row.to_address, data: row.data };
    let gasLimit: bigint;
    try {
      gasLimit = await provider.estimateGas(request);
    } catch (error) {
      const decoded = decodeRevert(error, this.options.interfaces);
      if (!decoded) throw error; // not a revert: the node is unreachable, retry on the next run
      this.finish(row, "failed", null, decoded);
      return undefined;
    }
    const [chainNonce, network, fees] = await Promise.all([
      provider.getTransactionCount(wallet.address, "pending"),
      provider.getNetwork(),
      provider.getFeeData(),
    ]);
    // A node that restarted may not know our last signed transaction yet: never reuse a recorded nonce.
    const recorded = this.options.db
      .prepare("SELECT max(nonce) AS n FROM chain_jobs WHERE from_address = ? AND nonce IS NOT NULL")
      .get(row.from_address) as { n: number | null };
    const nonce = Math.max(chainNonce, recorded.n === null ? 0 : recorded.n + 1);
    const rawTx = await wallet.signTransaction({
      ...request,
      nonce,
      chainId: network.chainId,
      gasLimit: (gasLimit * 12n) / 10n,
      type: 2,
      maxFeePerGas: fees.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
    });
    const txHash = keccak256(rawTx);
    this.options.db
      .prepare(
        "UPDATE chain_jobs SET status = 'signed', nonce = ?, raw_tx = ?, tx_hash = ?, updated_at = ? WHERE job_id = ?",
      )
      .run(nonce, rawTx, txHash, new Date().toISOString(), row.job_id);
    return { ...row, status: "signed", nonce, raw_tx: rawTx, tx_hash: txHash };
  }

  private async broadcastAndWait(row: JobRow): Promise<TransactionReceipt | null> {
    const { provider } = this.options;
    const known = await provider.getTransactionReceipt(row.tx_hash!);
    if (known) return known;
    try {
      // A JSON-RPC node takes the bytes as they are: ethers' broadcastTransaction would parse the signed
      // transaction and RLP-encode it twice more to check its hash, which with a batch's 30 kB of calldata
      // cost more CPU than the node spent executing it. The hash is already recorded.
      if (provider instanceof JsonRpcApiProvider)
        await provider.send("eth_sendRawTransaction", [row.raw_tx!]);
      else await provider.broadcastTransaction(row.raw_tx!);
    } catch (error) {
      // Already in the pool or mined: both mean our bytes are on their way; anything else is retried later.
      const again = await provider.getTransactionReceipt(row.tx_hash!);
      if (again) return again;
      if (!isAlreadyKnown(error)) throw error;
    }
    return this.waitForReceipt(row.tx_hash!, this.options.receiptTimeoutMs ?? 60_000);
  }

  /**
   * Polls for the receipt itself. ethers' `waitForTransaction` waits for a block event after its first
   * look, and on an automining node (the embedded chain) the block holding the transaction can be mined
   * between that look and the subscription: no later block comes, so it hung for the whole timeout.
   * A receipt means one confirmation, which is all `waitForTransaction(hash, 1)` asked for.
   */
  private async waitForReceipt(txHash: string, timeoutMs: number): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
      const receipt = await this.options.provider.getTransactionReceipt(txHash);
      if (receipt) return receipt;
      if (Date.now() + delay > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async explainFailure(row: JobRow, blockNumber: number): Promise<DecodedRevert> {
    try {
      await this.options.provider.call({
        from: row.from_address,
        to: row.to_address,
        data: row.data,
        blockTag: blockNumber - 1,
      });
    } catch (error) {
      const decoded = decodeRevert(error, this.options.interfaces);
      if (decoded) return decoded;
    }
    return { name: "TransactionReverted", args: [] };
  }

  private finish(
    row: JobRow,
    status: "confirmed" | "failed",
    receipt: TransactionReceipt | null,
    error: DecodedRevert | null,
  ): void {
    const { db } = this.options;
    db.transaction(() => {
      db.prepare(
        `UPDATE chain_jobs SET status = ?, block_number = ?, gas_used = ?, error_name = ?, error_args = ?, updated_at = ?
         WHERE job_id = ?`,
      ).run(
        status,
        receipt?.blockNumber ?? null,
        receipt ? receipt.gasUsed.toString() : null,
        error?.name ?? null,
        error ? JSON.stringify(error.args) : null,
        new Date().toISOString(),
        row.job_id,
      );
      const job = this.get(row.job_id)!;
      const handlers = this.handlers.get(row.kind);
      if (status === "confirmed") handlers?.confirmed?.(job, receipt!);
      else handlers?.failed?.(job, error!);
    })();
    this.ended++;
  }
}

function isAlreadyKnown(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? error).toLowerCase();
  return (
    text.includes("already known") ||
    text.includes("nonce too low") ||
    text.includes("nonce has already been used")
  );
}

function toJob(row: JobRow): ChainJob {
  return {
    jobId: row.job_id,
    idempotencyKey: row.idempotency_key,
    kind: row.kind,
    from: row.from_address,
    to: row.to_address,
    data: row.data,
    status: row.status,
    nonce: row.nonce,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
    gasUsed: row.gas_used === null ? null : BigInt(row.gas_used),
    error: row.error_name
      ? { name: row.error_name, args: row.error_args ? (JSON.parse(row.error_args) as string[]) : [] }
      : null,
  };
}
