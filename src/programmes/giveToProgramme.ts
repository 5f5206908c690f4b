import { Interface, keccak256, toUtf8Bytes, type TransactionReceipt } from "ethers";
import { findEvent } from "../chain/findEvent";
import { z } from "zod";
import { parseInput } from "../api/validation/parseInput";
import type { ChainJob } from "../chain/outbox";
import { ValidationError } from "../errors";
import { getOrganisation } from "../organisations";
import { tokenAmountSchema, toUnits } from "./amounts";
import { programmeRow } from "./getProgramme";
import type { ProgrammeDeps } from "./types";

export const giveSchema = z.strictObject({
  amount: tokenAmountSchema,
  /** For a charity recording a cash or bank gift: the donor's receipt number, never a name. */
  donorReference: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[A-Za-z0-9._/-]+$/)
    .optional(),
  earmark: z.string().trim().max(31).default(""),
  reallocateToProgrammeId: z.number().int().min(0).default(0),
  idempotencyKey: z.string().min(8).max(100),
});
export type GiveParams = z.input<typeof giveSchema>;

export interface GiveResult {
  status: "received" | "pending" | "failed";
  giftId: number | null;
  error: { name: string; args: string[] } | null;
}

export const GIFT_JOB = "gift.give";

const erc20 = new Interface(["function approve(address spender, uint256 amount) returns (bool)"]);

/**
 * A donor gives from its own wallet, or a charity records a cash gift for a donor known only by a receipt
 * number. The allowance and the gift are two queued writes of the same organisation, sent in order.
 */
export async function giveToProgramme(
  deps: ProgrammeDeps,
  orgId: string,
  programmeId: number,
  params: GiveParams,
): Promise<GiveResult> {
  const input = parseInput(giveSchema, params);
  programmeRow(deps, programmeId);
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
  const amount = toUnits(input.amount, deps.decimals);
  const earmark = keccakOrZero(input.earmark);
  const ledger = deps.system.ledger;
  const giftKey = `gift:${orgId}:${input.idempotencyKey}`;
  if (!deps.outbox.byKey(giftKey)) {
    const data = recorded
      ? ledger.interface.encodeFunctionData("recordGift", [
          programmeId,
          keccak256(toUtf8Bytes(`donor:${input.donorReference}`)),
          amount,
          earmark,
          input.reallocateToProgrammeId,
        ])
      : ledger.interface.encodeFunctionData("give", [
          programmeId,
          amount,
          earmark,
          "0x0000000000000000000000000000000000000000",
          input.reallocateToProgrammeId,
        ]);
    deps.db.transaction(() => {
      deps.outbox.enqueue({
        idempotencyKey: `approve:${giftKey}`,
        kind: "token.approve",
        from: giver.address,
        to: deps.settlementToken,
        data: erc20.encodeFunctionData("approve", [ledger.target as string, amount]),
      });
      deps.outbox.enqueue({
        idempotencyKey: giftKey,
        kind: GIFT_JOB,
        from: giver.address,
        to: ledger.target as string,
        data,
      });
    })();
  }
  await deps.outbox.drain();
  return giftStatus(deps, giftKey);
}

function giftStatus(deps: ProgrammeDeps, giftKey: string): GiveResult {
  const job = deps.outbox.byKey(giftKey)!;
  const row = deps.db.prepare("SELECT gift_id FROM gifts WHERE job_id = ?").get(job.jobId) as
    { gift_id: number } | undefined;
  return {
    status: job.status === "confirmed" ? "received" : job.status === "failed" ? "failed" : "pending",
    giftId: row?.gift_id ?? null,
    error: job.error,
  };
}

/** Records the gift once final, from its GiftReceived event. */
export function onGiftReceived(deps: ProgrammeDeps, job: ChainJob, receipt: TransactionReceipt): void {
  const event = findEvent(deps.system.ledger.interface, receipt, "GiftReceived");
  if (!event) return;
  const orgId = deps.db.prepare("SELECT org_id FROM organisations WHERE address = ?").get(job.from) as
    { org_id: string } | undefined;
  deps.db
    .prepare(
      `INSERT OR IGNORE INTO gifts (gift_id, programme_id, org_id, amount, donor_ref, job_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      Number(event.args.giftId),
      Number(event.args.programmeId),
      orgId?.org_id ?? job.from,
      (event.args.amount as bigint).toString(),
      event.args.donorRef === ZERO ? null : (event.args.donorRef as string),
      job.jobId,
      deps.now().toISOString(),
    );
}

const ZERO = "0x" + "0".repeat(64);

function keccakOrZero(text: string): string {
  return text === "" ? ZERO : keccak256(toUtf8Bytes(text));
}
