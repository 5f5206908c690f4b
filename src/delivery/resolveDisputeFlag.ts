import type { Interface } from "ethers";
import { z } from "zod";
import { sendChecked, type CheckedWriteContext } from "../chain/checkedWrite";
import type { JobHandlers } from "../chain/outbox";
import { cachedStatement } from "../db/statements";
import { AppError } from "../errors";
import { getOrganisation } from "../organisations";
import { parseInput } from "../validation";
import { deliveryRow, deliveryView, type DeliveryView } from "./deliveryView";
import { CID_PATTERN } from "./disputeRecords";
import type { DeliveryDeps } from "./types";

export const FLAG_RESOLUTION_JOB = "delivery.flag-resolution";

export const flagResolutionSchema = z.strictObject({
  /** `true` upholds the household's dispute (the held credit returns to the programme), `false` dismisses it. */
  upheld: z.boolean(),
  /** Where the resolver's report is published (an IPFS CID): it goes on chain with the resolution. */
  reportCid: z.string().regex(CID_PATTERN).optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type FlagResolutionParams = z.input<typeof flagResolutionSchema>;

/** Who resolves: an auditor (signed by its own gateway-held key) or the regulator (the gateway's operator). */
export interface FlagResolver {
  orgId: string;
  role: "auditor" | "regulator";
}

export type FlagResolutionDeps = DeliveryDeps & {
  /** The gateway's operator account: the regulator in the embedded default. */
  operator: string;
};

/** The ledger's refusals of a resolution, in plain words (409). */
const RESOLUTION_REFUSALS: Readonly<Record<string, string>> = {
  DisputeStatusInvalid: "This redemption is not flagged on chain, or its flag is already resolved.",
  ResolverUnauthorized: "Only an active auditor or the regulator resolves a flag.",
};

/**
 * An auditor or the regulator resolves the flag on a redeemed delivery (`RedemptionDesk.resolveFlag`):
 * upheld, the credit the flag held returns to the programme's budget; dismissed, to the vendor's credit.
 * Tried against the chain first: a redemption not flagged, a flag already resolved, or a resolver without an
 * active auditor licence answers 409 naming the ledger's error (`DisputeStatusInvalid`,
 * `ResolverUnauthorized`) and queues nothing. Then sent through the outbox from the auditor's own key (the
 * regulator's as the operator) with the resolution's row in one transaction, and drained; the row's
 * transaction is filled in as the chain confirms it. The same `idempotencyKey` with the same request answers
 * the same; with another, 409 `idempotency_key_reused`. Answers the delivery as the chain then holds its flag.
 */
export async function resolveDisputeFlag(
  deps: FlagResolutionDeps,
  resolver: FlagResolver,
  deliveryId: string,
  params: FlagResolutionParams,
): Promise<DeliveryView> {
  const input = parseInput(flagResolutionSchema, params);
  if (resolver.role !== "auditor" && resolver.role !== "regulator")
    throw new AppError(
      "ForbiddenError",
      403,
      "Only an auditor or the regulator resolves a flag.",
      "deliveryId",
      "not_a_resolver",
    );
  const row = deliveryRow(deps, deliveryId);
  const ledger = deps.system.ledger;
  const from = resolver.role === "regulator" ? deps.operator : getOrganisation(deps, resolver.orgId).address;
  const reportCid = input.reportCid ?? null;
  const write = {
    idempotencyKey: `flag-resolution:${row.digest}:${resolver.orgId}:${input.idempotencyKey}`,
    kind: FLAG_RESOLUTION_JOB,
    from,
    to: ledger.target as string,
    data: ledger.interface.encodeFunctionData("resolveFlag", [row.digest, input.upheld, reportCid ?? ""]),
    field: "deliveryId",
  };
  // What the flag held, from its own event: the check below refuses anything but a live flag, so this is
  // read only for one (a replay reads it again and records nothing).
  const held = await heldByFlag(deps, row.digest, row.block_number);
  await sendChecked(resolutionWrites(deps), write, (job) => {
    const inserted = cachedStatement(
      deps.db,
      `INSERT INTO flag_resolutions
         (delivery_id, job_id, upheld, report_cid, held, resolved_by, resolver_role, requested_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
    ).run(
      deliveryId,
      job.jobId,
      input.upheld ? 1 : 0,
      reportCid,
      held.toString(),
      resolver.orgId,
      resolver.role,
      deps.now().toISOString(),
    );
    if (inserted.changes !== 1)
      throw new AppError(
        "ConflictError",
        409,
        "A resolution of this flag is already on its way to the chain.",
        "deliveryId",
        "already_resolving",
      );
  });
  return deliveryView(deps, deliveryRow(deps, deliveryId));
}

function resolutionWrites(deps: FlagResolutionDeps): CheckedWriteContext {
  const ledger = deps.system.ledger;
  return {
    db: deps.db,
    outbox: deps.outbox,
    provider: ledger.runner!.provider!,
    interfaces: [ledger.interface] as unknown as Interface[],
    refusals: RESOLUTION_REFUSALS,
    refused: "The ledger refused this resolution.",
  };
}

/** The amount the flag on `redemptionId` held (its `SettlementHeld` event), 0 if it held nothing. */
async function heldByFlag(
  deps: Pick<DeliveryDeps, "system">,
  redemptionId: string,
  redeemedIn: number | null,
): Promise<bigint> {
  const ledger = deps.system.ledger;
  const events = await ledger.queryFilter(ledger.filters.SettlementHeld(redemptionId), redeemedIn ?? 0);
  return events.reduce((sum, event) => sum + event.args.amount, 0n);
}

/**
 * What a resolution's end does: confirmed, its row records the transaction (the flag's state is read from
 * the chain) and an upheld one marks the household's receipt `disputed`; refused after all (the chain moved after the check), the row goes, and the flag stays open.
 */
export function flagResolutionHandlers(deps: Pick<DeliveryDeps, "db">): JobHandlers {
  return {
    confirmed(job, receipt) {
      cachedStatement(
        deps.db,
        "UPDATE flag_resolutions SET tx_hash = ?, block_number = ? WHERE job_id = ?",
      ).run(receipt.hash, receipt.blockNumber, job.jobId);
      // Upheld, the chain took the settlement back: the household's own ledger shows the receipt disputed.
      cachedStatement(
        deps.db,
        `UPDATE household_receipts SET status = 'disputed'
          WHERE delivery_id = (SELECT delivery_id FROM flag_resolutions WHERE job_id = ? AND upheld = 1)`,
      ).run(job.jobId);
    },
    failed(job) {
      cachedStatement(deps.db, "DELETE FROM flag_resolutions WHERE job_id = ?").run(job.jobId);
    },
  };
}
