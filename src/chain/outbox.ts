import type { Database } from "better-sqlite3";
import {
  JsonRpcApiProvider,
  keccak256,
  type FeeData,
  type Interface,
  type Network,
  type Provider,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { cachedStatement } from "../db/statements";
import { DuplicateError } from "../errors";
import { decodeRevert, type DecodedRevert } from "./decodeRevert";

/**
 * The durable queue of chain writes, and their write-ahead log. A job is queued in the same SQLite
 * transaction as the business rows that need it; the worker signs it, records the signed bytes and hash,
 * and only then broadcasts. After a crash, a signed job is re-broadcast byte for byte (same nonce, same
 * hash), so it is neither lost nor sent twice; and a job that ended while the node later lost its block
 * (an embedded node restarted from an older state) is found by `reconcile` and re-broadcast the same way.
 *
 * A job that the chain once held and lost, waiting to land again, is `signed` (or `queued`) with the block
 * it was recorded in still set: when it ends as it ended before, its handler is not run twice.
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
  /**
   * The group a job of this kind belongs to, from its idempotency key, when the jobs of one group do not
   * depend on each other (the batches of one registration run touch distinct heads): consecutive queued
   * jobs of one group and signer are signed and sent together, up to `PIPELINE_DEPTH`, before any receipt
   * is awaited, so they share blocks. Null (or no function) sends the job alone.
   */
  pipelineGroup?(idempotencyKey: string): string | null;
  /**
   * Whether a batch of a group can be checked before the group's earlier batches are sent: true only where
   * no batch of a group can make another refused (registration: distinct heads and wallets). Otherwise (an
   * issuance run draws on one programme budget) each batch is checked at `pending` after the ones before
   * it were sent, on top of them, so a batch past the budget is still refused before it has a nonce.
   */
  checksTogether?: boolean;
}

/**
 * How the node is asked to put the transactions sent together into one block. The embedded anvil mines a
 * block per transaction as it arrives, and each block costs it time that grows with its whole state (its
 * state root): `hold` turns that off while a group is sent, `release` mines what it holds in one block.
 * A node that mines on an interval (Besu's QBFT) needs none.
 */
export interface BlockBuilder {
  hold(): Promise<void>;
  release(): Promise<void>;
}

/**
 * The pipeline group of a key shaped `<kind>:<run id>:<part>`: the run (`issue:<disbursementId>`), so
 * that the parts of one run go together. Keys of any other shape have none.
 */
export function runOfKey(idempotencyKey: string): string | null {
  const parts = idempotencyKey.split(":");
  return parts.length >= 3 ? `${parts[0]}:${parts[1]}` : null;
}

/** Jobs of one group in flight at once: at ~15M gas each, a block of up to 32 fits a 1G block gas limit. */
export const PIPELINE_DEPTH = 32;

/** A transaction's gas cap (EIP-7825, 2^24): every batch is built to fit under it. */
export const TRANSACTION_GAS_CAP = 16_777_216n;

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
  /** Called after a job ends with a receipt: its block exists now (the embedded node saves its state). */
  afterMined?(job: ChainJob): void;
  /** How many blocks below the head `reconcile` re-checks (default 1,000); jobs recorded above it always are. */
  recheckBlocks?: number;
  /** Puts jobs sent together into one block (the embedded node); see `BlockBuilder`. */
  blockBuilder?: BlockBuilder;
}

/** What happened to a job whose bytes the node refused because its nonce is already used. */
export const NONCE_TAKEN = "NonceTaken";

/** What signing needs of the chain besides the job: the same for every job of a group held in one block. */
interface SigningFacts {
  network: Network;
  fees: FeeData;
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
  private readonly beforeJob: (() => void)[] = [];
  private running: Promise<ChainJob[]> | undefined;
  private ended = 0;
  private filled = 0;

  constructor(private readonly options: OutboxOptions) {}

  /** Registers what a kind of job does to the business rows when it ends. */
  on(kind: string, handlers: JobHandlers): void {
    this.handlers.set(kind, handlers);
  }

  /**
   * Runs `hook` before each job the worker picks, while nothing is being signed or sent: a room may
   * rewrite its own jobs that are still `queued` with no nonce (gather them into a batch), synchronously
   * and in one DB transaction. A hook that throws leaves the jobs as they were; they run as queued.
   */
  beforeEachJob(hook: () => void): void {
    this.beforeJob.push(hook);
  }

  /**
   * Queues a write; call inside the caller's DB transaction. The same idempotency key with the same
   * payload returns the existing job; with another payload it is refused.
   */
  enqueue(params: EnqueueParams): ChainJob {
    const { db } = this.options;
    const existing = cachedStatement(db, "SELECT * FROM chain_jobs WHERE idempotency_key = ?").get(
      params.idempotencyKey,
    ) as JobRow | undefined;
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
    const result = cachedStatement(
      db,
      `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
    ).run(
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
    const row = cachedStatement(this.options.db, "SELECT * FROM chain_jobs WHERE job_id = ?").get(jobId) as
      JobRow | undefined;
    return row && toJob(row);
  }

  byKey(idempotencyKey: string): ChainJob | undefined {
    const row = cachedStatement(this.options.db, "SELECT * FROM chain_jobs WHERE idempotency_key = ?").get(
      idempotencyKey,
    ) as JobRow | undefined;
    return row && toJob(row);
  }

  /**
   * How many jobs have ended (confirmed or failed) in this process. A chain read started when this was
   * lower may predate a write the caller has already been told about.
   */
  get endedCount(): number {
    return this.ended;
  }

  /** How many empty transactions this process sent to fill a nonce gap no job of ours could fill. */
  get filledNonces(): number {
    return this.filled;
  }

  /**
   * Checks the jobs that ended with a receipt against the chain, by hash: every one recorded in the last
   * `recheckBlocks` blocks or above the head. A job the chain no longer has goes back to `signed`, its
   * bytes kept, and the next drain re-broadcasts it in its place in the order. Returns those jobs.
   * Run it on start, before the first drain.
   */
  async reconcile(): Promise<ChainJob[]> {
    const { db, provider } = this.options;
    const head = await provider.getBlockNumber();
    const rows = cachedStatement(
      db,
      `SELECT * FROM chain_jobs WHERE status IN ('confirmed', 'failed') AND tx_hash IS NOT NULL
           AND block_number IS NOT NULL AND block_number > ? ORDER BY job_id`,
    ).all(head - (this.options.recheckBlocks ?? 1_000)) as JobRow[];
    const lost: JobRow[] = [];
    for (let start = 0; start < rows.length; start += 32) {
      const chunk = rows.slice(start, start + 32);
      const receipts = await Promise.all(chunk.map((row) => provider.getTransactionReceipt(row.tx_hash!)));
      chunk.forEach((row, index) => {
        if (!receipts[index]) lost.push(row);
      });
    }
    const reopen = cachedStatement(
      db,
      "UPDATE chain_jobs SET status = 'signed', updated_at = ? WHERE job_id = ?",
    );
    const now = new Date().toISOString();
    db.transaction(() => {
      for (const row of lost) reopen.run(now, row.job_id);
    })();
    return lost.map((row) => this.get(row.job_id)!);
  }

  pendingCount(): number {
    const row = cachedStatement(
      this.options.db,
      "SELECT count(*) AS n FROM chain_jobs WHERE status IN ('queued', 'signed')",
    ).get() as { n: number };
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
      for (const hook of this.beforeJob) {
        try {
          hook();
        } catch {
          // the jobs run as they were queued
        }
      }
      const row = this.nextJob();
      if (!row) return ended;
      const group = row.status === "queued" ? this.pipelineGroupOf(row) : [row];
      const jobs = group.length > 1 ? await this.runTogether(group) : [await this.runJob(row)];
      for (const job of jobs) {
        if (job.status === "signed") return ended; // no receipt yet: leave it for the next run
        if (job.status !== "queued") ended.push(job); // queued: its nonce was taken, signed again in its turn
      }
    }
  }

  /** `row` and the queued jobs right after it of its pipeline group and signer (see `pipelineGroup`). */
  private pipelineGroupOf(row: JobRow): JobRow[] {
    const groupOf = this.handlers.get(row.kind)?.pipelineGroup;
    const group = groupOf?.(row.idempotency_key);
    if (!group) return [row];
    const next = cachedStatement(
      this.options.db,
      "SELECT * FROM chain_jobs WHERE status = 'queued' AND job_id > ? ORDER BY job_id LIMIT ?",
    ).all(row.job_id, PIPELINE_DEPTH - 1) as JobRow[];
    const rows = [row];
    for (const candidate of next) {
      const same =
        candidate.kind === row.kind &&
        candidate.from_address === row.from_address &&
        groupOf!(candidate.idempotency_key) === group;
      if (!same) break;
      rows.push(candidate);
    }
    return rows;
  }

  /**
   * Signs and sends a group of independent queued jobs one after another (each recorded before it is
   * sent, with the nonce after the previous one's), held in one block where the node allows, then waits
   * for their receipts in order. Jobs are estimated against the chain without the others of the group,
   * which is why only a group whose jobs do not depend on each other comes here. A job the chain refuses
   * at estimation ends failed without a nonce, as alone. Returns the jobs in order, up to the first one
   * still without a receipt.
   */
  private async runTogether(rows: readonly JobRow[]): Promise<ChainJob[]> {
    const { blockBuilder } = this.options;
    // In order: each job signed and sent, or ended (refused at estimation) without being sent.
    const taken: { row: JobRow; sent: boolean }[] = [];
    let nonce: number | undefined;
    // Where the kind allows (`checksTogether`), the group's checks are all asked before its first job is
    // sent, together, so the node runs them while this thread signs and records the jobs before. A check at
    // "pending" asked after the group's earlier jobs were in the pool runs on top of them: at 30,000
    // households the node's CPU per household was 0.52 ms that way, 0.18 ms with every kind checked together.
    // The chain's id and fees are asked once, for a group that lands in one block.
    const checkOf = (row: JobRow) =>
      this.checkAtCap({ from: row.from_address, to: row.to_address, data: row.data });
    const early = this.handlers.get(rows[0]!.kind)?.checksTogether
      ? rows.map((row) => {
          const check = checkOf(row);
          check.catch(() => undefined); // awaited, and its refusal handled, in the job's turn
          return check;
        })
      : undefined;
    const facts = this.signingFacts();
    facts.catch(() => undefined);
    await blockBuilder?.hold();
    try {
      for (const [index, queued] of rows.entries()) {
        const signed = await this.sign(queued, {
          check: early?.[index] ?? checkOf(queued),
          facts,
          nonceAfterGroup: nonce,
        });
        if (!signed) {
          taken.push({ row: queued, sent: false });
          continue;
        }
        nonce = signed.nonce! + 1;
        this.options.afterSign?.(toJob(signed));
        try {
          await this.send(signed.raw_tx!);
        } catch (error) {
          // Fresh bytes: only an unreachable node refuses them; they stay signed for the next run.
          if (!isAlreadyKnown(error)) throw error;
        }
        taken.push({ row: signed, sent: true });
      }
    } finally {
      await blockBuilder?.release();
    }
    const out: ChainJob[] = [];
    for (const { row, sent } of taken) {
      if (!sent) {
        out.push(this.get(row.job_id)!);
        continue;
      }
      const receipt = await this.waitForReceipt(row.tx_hash!, this.options.receiptTimeoutMs ?? 60_000);
      if (!receipt) {
        out.push(toJob(row));
        break;
      }
      out.push(await this.end(row, receipt));
    }
    return out;
  }

  /**
   * Signed jobs go first, so that a new job never takes a nonce one of ours holds: the oldest signed job's
   * signer sends its lowest nonce first (a job signed again after its nonce was taken has a later nonce
   * than jobs queued after it). Then queued jobs, in the order they were queued.
   */
  private nextJob(): JobRow | undefined {
    const { db } = this.options;
    const first = cachedStatement(
      db,
      "SELECT from_address FROM chain_jobs WHERE status = 'signed' ORDER BY job_id LIMIT 1",
    ).get() as { from_address: string } | undefined;
    if (first)
      return cachedStatement(
        db,
        "SELECT * FROM chain_jobs WHERE status = 'signed' AND from_address = ? ORDER BY nonce LIMIT 1",
      ).get(first.from_address) as JobRow;
    return cachedStatement(
      db,
      "SELECT * FROM chain_jobs WHERE status = 'queued' ORDER BY job_id LIMIT 1",
    ).get() as JobRow | undefined;
  }

  private async runJob(row: JobRow): Promise<ChainJob> {
    let fresh = false;
    if (row.status === "queued") {
      const signed = await this.sign(row);
      if (!signed) return this.get(row.job_id)!;
      row = signed;
      fresh = true;
      this.options.afterSign?.(toJob(row));
    }
    const receipt = await this.broadcastAndWait(row, fresh);
    if (receipt === NONCE_TAKEN) {
      this.requeue(row);
      return this.get(row.job_id)!;
    }
    if (!receipt) return toJob(row);
    return this.end(row, receipt);
  }

  /** Ends a job with its receipt: confirmed, or failed with the contract's reason. */
  private async end(row: JobRow, receipt: TransactionReceipt): Promise<ChainJob> {
    if (receipt.status === 1) {
      this.finish(row, "confirmed", receipt, null);
    } else {
      const error = await this.explainFailure(row, receipt.blockNumber);
      this.finish(row, "failed", receipt, error);
    }
    return this.get(row.job_id)!;
  }

  /**
   * Estimates (a batch of a group: its `checkAtCap`, already asked), signs and records the signed bytes; a
   * revert there fails the job without a nonce.
   * `nonceAfterGroup` is given for a job sent right after another of its group, which the node may not count yet.
   */
  private async sign(
    row: JobRow,
    {
      check,
      facts,
      nonceAfterGroup,
    }: { check?: Promise<bigint>; facts?: Promise<SigningFacts>; nonceAfterGroup?: number } = {},
  ): Promise<JobRow | undefined> {
    const { provider, signers } = this.options;
    const wallet = signers.get(row.from_address);
    if (!wallet) {
      this.finish(row, "failed", null, { name: "SignerUnavailable", args: [] });
      return undefined;
    }
    const request = { from: wallet.address, to: row.to_address, data: row.data };
    let gasLimit: bigint;
    try {
      gasLimit = check ? await check : ((await provider.estimateGas(request)) * 12n) / 10n;
    } catch (error) {
      const decoded = decodeRevert(error, this.options.interfaces);
      if (!decoded) throw error; // not a revert: the node is unreachable, retry on the next run
      this.finish(row, "failed", null, decoded);
      return undefined;
    }
    // Every signed job of ours was sent (and landed, or is still signed and blocks this one) before a
    // queued job is signed, so the node's next nonce is ours to take. A node that lost blocks has them
    // re-broadcast by `reconcile` first; a recorded nonce above the node's would leave a gap nothing fills.
    const [nonce, { network, fees }] = await Promise.all([
      nonceAfterGroup ?? provider.getTransactionCount(wallet.address, "pending"),
      facts ?? this.signingFacts(),
    ]);
    const rawTx = await wallet.signTransaction({
      ...request,
      nonce,
      chainId: network.chainId,
      gasLimit,
      type: 2,
      maxFeePerGas: fees.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
    });
    const txHash = keccak256(rawTx);
    cachedStatement(
      this.options.db,
      "UPDATE chain_jobs SET status = 'signed', nonce = ?, raw_tx = ?, tx_hash = ?, updated_at = ? WHERE job_id = ?",
    ).run(nonce, rawTx, txHash, new Date().toISOString(), row.job_id);
    return { ...row, status: "signed", nonce, raw_tx: rawTx, tx_hash: txHash };
  }

  private async signingFacts(): Promise<SigningFacts> {
    const [network, fees] = await Promise.all([
      this.options.provider.getNetwork(),
      this.options.provider.getFeeData(),
    ]);
    return { network, fees };
  }

  /**
   * A batch of a pipeline group, run once at the transaction gas cap: it reverts (refused, without a
   * nonce, as at estimation) or it fits, and the cap is its gas limit. `eth_estimateGas` searched the
   * gas it needs to the unit, running the batch about 25 times (anvil 1.7.1's binary search from three
   * times its use); with it and the native signing beside it, the bench's node CPU per household at
   * 10,000 fell from 0.60 to 0.47 ms. Fees are paid on the gas used, not the limit.
   */
  private async checkAtCap(request: { from: string; to: string; data: string }): Promise<bigint> {
    await this.options.provider.call({ ...request, gasLimit: TRANSACTION_GAS_CAP, blockTag: "pending" });
    return TRANSACTION_GAS_CAP;
  }

  /**
   * Sends the recorded bytes and waits for their receipt. Bytes signed before this run are first checked
   * against the signer's nonce on chain: one already used by another transaction means ours can never land
   * (`NONCE_TAKEN`); one above the node's next nonce (a gap that no job of ours fills: the node lost
   * transactions we hold no bytes for) is preceded by empty transactions, so that it is not held forever.
   */
  private async broadcastAndWait(
    row: JobRow,
    fresh: boolean,
  ): Promise<TransactionReceipt | typeof NONCE_TAKEN | null> {
    const { provider } = this.options;
    const known = await provider.getTransactionReceipt(row.tx_hash!);
    if (known) return known;
    if (!fresh) {
      const [mined, next] = await Promise.all([
        provider.getTransactionCount(row.from_address, "latest"),
        provider.getTransactionCount(row.from_address, "pending"),
      ]);
      if (row.nonce! < mined) return (await provider.getTransactionReceipt(row.tx_hash!)) ?? NONCE_TAKEN;
      if (row.nonce! > next) await this.fillNonces(row, next);
    }
    try {
      // A JSON-RPC node takes the bytes as they are: ethers' broadcastTransaction would parse the signed
      // transaction and RLP-encode it twice more to check its hash, which with a batch's 30 kB of calldata
      // cost more CPU than the node spent executing it. The hash is already recorded.
      await this.send(row.raw_tx!);
    } catch (error) {
      // Already in the pool or mined: both mean our bytes are on their way; anything else is retried later.
      const again = await provider.getTransactionReceipt(row.tx_hash!);
      if (again) return again;
      if (isNonceTooLow(error)) return NONCE_TAKEN;
      if (!isAlreadyKnown(error)) throw error;
    }
    return this.waitForReceipt(row.tx_hash!, this.options.receiptTimeoutMs ?? 60_000);
  }

  /** Sends a zero-value transfer to itself for each nonce from `from` up to the job's, waiting for each. */
  private async fillNonces(row: JobRow, from: number): Promise<void> {
    const { provider, signers } = this.options;
    const wallet = signers.get(row.from_address);
    if (!wallet) return;
    const [network, fees] = await Promise.all([provider.getNetwork(), provider.getFeeData()]);
    for (let nonce = from; nonce < row.nonce!; nonce++) {
      const rawTx = await wallet.signTransaction({
        from: wallet.address,
        to: wallet.address,
        value: 0n,
        nonce,
        chainId: network.chainId,
        gasLimit: 21_000n,
        type: 2,
        maxFeePerGas: fees.maxFeePerGas ?? 0n,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
      });
      try {
        await this.send(rawTx);
      } catch (error) {
        if (!isAlreadyKnown(error) && !isNonceTooLow(error)) throw error;
      }
      await this.waitForReceipt(keccak256(rawTx), this.options.receiptTimeoutMs ?? 60_000);
      this.filled++;
    }
  }

  private async send(rawTx: string): Promise<void> {
    const { provider } = this.options;
    if (provider instanceof JsonRpcApiProvider) await provider.send("eth_sendRawTransaction", [rawTx]);
    else await provider.broadcastTransaction(rawTx);
  }

  /**
   * A job whose nonce another transaction took goes back to the queue without its bytes, which can never
   * land: it is estimated and signed again with a fresh nonce, so the write still happens, once. If the
   * chain refuses it now, it fails with the contract's reason and its rows follow.
   */
  private requeue(row: JobRow): void {
    cachedStatement(
      this.options.db,
      "UPDATE chain_jobs SET status = 'queued', nonce = NULL, raw_tx = NULL, tx_hash = NULL, updated_at = ? WHERE job_id = ?",
    ).run(new Date().toISOString(), row.job_id);
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
    // A job the chain held and lost has its recorded block still set: ending as it ended before, its
    // effects are already in the business rows; ending otherwise, the rows follow the chain.
    const before =
      row.status !== "confirmed" && row.status !== "failed" && row.block_number !== null
        ? row.error_name === null
          ? "confirmed"
          : "failed"
        : undefined;
    db.transaction(() => {
      cachedStatement(
        db,
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
      if (before === status) return;
      const handlers = this.handlers.get(row.kind);
      if (status === "confirmed") handlers?.confirmed?.(job, receipt!);
      else handlers?.failed?.(job, error!);
    })();
    this.ended++;
    if (receipt) this.options.afterMined?.(this.get(row.job_id)!);
  }
}

/** The node has these bytes already (geth and Besu say "already known", anvil "already imported"). */
function isAlreadyKnown(error: unknown): boolean {
  const text = errorText(error);
  return (
    text.includes("already known") || text.includes("already imported") || text.includes("known transaction")
  );
}

/** The signer's nonce is already used on chain (checked only after our own receipt was not found). */
function isNonceTooLow(error: unknown): boolean {
  const text = errorText(error);
  return text.includes("nonce too low") || text.includes("nonce has already been used");
}

function errorText(error: unknown): string {
  const nested = error as { message?: string; error?: { message?: string } };
  return `${nested?.message ?? String(error)} ${nested?.error?.message ?? ""}`.toLowerCase();
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
