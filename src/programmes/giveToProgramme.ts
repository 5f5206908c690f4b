import { Interface, type TransactionReceipt } from "ethers";
import { findEvent } from "../chain/findEvent";
import { z } from "zod";
import { parseInput } from "../validation";
import type { ChainJob } from "../chain/outbox";
import { canonicalJson, runIdempotent } from "../db/idempotency";
import { ValidationError } from "../errors";
import { donorRef } from "../identity";
import { getOrganisation } from "../organisations";
import { tokenAmountSchema, toUnits } from "./amounts";
import { ChainRefusedError } from "./chainRefusals";
import { earmarkPurpose, earmarkWord } from "./earmarks";
import { programmeRow } from "./getProgramme";
import { refuseWhatTheChainWould } from "./simulateWrites";
import type { ProgrammeDeps } from "./types";

export const giveSchema = z.strictObject({
  amount: tokenAmountSchema,
  /**
   * For a charity recording a cash or bank gift: the donor's receipt number, never a name. It reaches the
   * chain only as a keyed reference (HMAC with the gateway's pepper), never in clear or as a plain hash.
   */
  donorReference: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[A-Za-z0-9._/-]+$/)
    .optional(),
  /** One of the programme's earmark purposes (its `earmarks`), or empty for none. */
  earmark: z.string().trim().max(31).default(""),
  reallocateToProgrammeId: z.number().int().min(0).default(0),
  idempotencyKey: z.string().min(8).max(100),
});
export type GiveParams = z.input<typeof giveSchema>;

export interface GiveResult {
  /** A refusal is never a result: it is thrown as a `ChainRefusedError`. */
  status: "received" | "pending";
  giftId: number | null;
}

export const GIFT_JOB = "gift.give";

const erc20 = new Interface(["function approve(address spender, uint256 amount) returns (bool)"]);

/**
 * A donor gives from its own wallet, or a charity records a cash gift for a donor known only by a receipt
 * number. The allowance and the gift are two queued writes of the same organisation, sent in order; both
 * are simulated together first, so a gift the chain would refuse queues nothing and no `approve` is mined.
 * The same idempotency key returns the same gift; with another body it is refused.
 */
export async function giveToProgramme(
  deps: ProgrammeDeps,
  orgId: string,
  programmeId: number,
  params: GiveParams,
): Promise<GiveResult> {
  const input = parseInput(giveSchema, params);
  const programme = programmeRow(deps, programmeId);
  const giver = getOrganisation(deps, orgId);
  const recorded = giver.role === "charity";
  if (recorded && !input.donorReference) {
    throw new ValidationError(
      "donorReference",
      "required",
      "A charity records a gift under the donor's receipt number.",
    );
  }
  if (!recorded && input.donorReference) {
    throw new ValidationError("donorReference", "not_allowed", "Only a charity records gifts for donors.");
  }
  const gift: PlannedGift = {
    giftKey: `gift:${orgId}:${input.idempotencyKey}`,
    giver: giver.address,
    programmeId,
    amount: toUnits(input.amount, deps.decimals),
    purpose: input.earmark,
    earmark: earmarkWord(JSON.parse(programme.earmarks_json) as string[], input.earmark),
    donorReference: recorded ? input.donorReference! : null,
    reallocateTo: input.reallocateToProgrammeId,
  };
  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.peppers,
      scope: "gift",
      orgId,
      idempotencyKey,
      payload: canonicalJson({ programmeId, ...request, amount: gift.amount }),
      now: deps.now,
    },
    async (claim) => {
      if (!deps.outbox.byKey(gift.giftKey)) await queueGift(deps, gift, claim);
      await deps.outbox.drain();
      return giftStatus(deps, gift.giftKey);
    },
  );
}

/** A gift checked against the gateway's rules, not yet against the chain's. */
interface PlannedGift {
  giftKey: string;
  giver: string;
  programmeId: number;
  amount: bigint;
  /** The purpose as chosen ("" for none) and as the ledger stores it. */
  purpose: string;
  earmark: string;
  /** A charity's cash donor, in clear until it is keyed here; null for a donor's own gift. */
  donorReference: string | null;
  reallocateTo: number;
}

/** Simulates the approve and the gift together, then queues both with the request's key. */
async function queueGift(deps: ProgrammeDeps, gift: PlannedGift, claim: () => void): Promise<void> {
  const ledger = deps.system.ledger;
  const pepperVersion = deps.peppers.current;
  const data =
    gift.donorReference !== null
      ? ledger.interface.encodeFunctionData("recordGift", [
          gift.programmeId,
          donorRef(deps.peppers, gift.donorReference, pepperVersion),
          gift.amount,
          gift.earmark,
          gift.reallocateTo,
        ])
      : ledger.interface.encodeFunctionData("give", [
          gift.programmeId,
          gift.amount,
          gift.earmark,
          "0x0000000000000000000000000000000000000000",
          gift.reallocateTo,
        ]);
  const approve = {
    to: deps.settlementToken,
    data: erc20.encodeFunctionData("approve", [ledger.target as string, gift.amount]),
  };
  const giveWrite = { to: ledger.target as string, data };
  await refuseWhatTheChainWould(deps, gift.giver, [approve, giveWrite]);
  deps.db.transaction(() => {
    claim();
    deps.outbox.enqueue({
      idempotencyKey: `approve:${gift.giftKey}`,
      kind: "token.approve",
      from: gift.giver,
      ...approve,
    });
    const job = deps.outbox.enqueue({
      idempotencyKey: gift.giftKey,
      kind: GIFT_JOB,
      from: gift.giver,
      ...giveWrite,
    });
    deps.db
      .prepare(
        `INSERT INTO gift_requests (job_id, programme_id, earmark, donor_pepper_version, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(
        job.jobId,
        gift.programmeId,
        gift.purpose === "" ? null : gift.purpose,
        gift.donorReference !== null ? pepperVersion : null,
        deps.now().toISOString(),
      );
  })();
}

/** A gift that passed the simulation but was refused when sent is thrown as the same refusal. */
function giftStatus(deps: ProgrammeDeps, giftKey: string): GiveResult {
  const job = deps.outbox.byKey(giftKey)!;
  if (job.status === "failed")
    throw new ChainRefusedError(job.error ?? { name: "TransactionReverted", args: [] });
  const row = deps.db.prepare("SELECT gift_id FROM gifts WHERE job_id = ?").get(job.jobId) as
    { gift_id: number } | undefined;
  return { status: job.status === "confirmed" ? "received" : "pending", giftId: row?.gift_id ?? null };
}

/** Records the gift once final, from its GiftReceived event. */
export function onGiftReceived(deps: ProgrammeDeps, job: ChainJob, receipt: TransactionReceipt): void {
  const event = findEvent(deps.system.ledger.interface, receipt, "GiftReceived");
  if (!event) return;
  const orgId = deps.db.prepare("SELECT org_id FROM organisations WHERE address = ?").get(job.from) as
    { org_id: string } | undefined;
  const request = deps.db
    .prepare("SELECT donor_pepper_version FROM gift_requests WHERE job_id = ?")
    .get(job.jobId) as { donor_pepper_version: number | null } | undefined;
  deps.db
    .prepare(
      `INSERT OR IGNORE INTO gifts (gift_id, programme_id, org_id, amount, donor_ref, job_id, created_at, earmark,
         donor_pepper_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      Number(event.args.giftId),
      Number(event.args.programmeId),
      orgId?.org_id ?? job.from,
      (event.args.amount as bigint).toString(),
      event.args.donorRef === ZERO ? null : (event.args.donorRef as string),
      job.jobId,
      deps.now().toISOString(),
      earmarkPurpose(event.args.earmark as string),
      request?.donor_pepper_version ?? null,
    );
}

const ZERO = "0x" + "0".repeat(64);
