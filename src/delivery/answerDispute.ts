import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { AppError, NotFoundError } from "../errors";
import { recordAccess, type Reader } from "../households";
import { parseInput } from "../validation";
import { deliveryRow, deliveryView, programmeCharity, type DeliveryView } from "./deliveryView";
import { DeliveryStateError } from "./errors";
import { CID_PATTERN, DISPUTE_ANSWERS, disputeAnswerOf } from "./disputeRecords";
import type { DeliveryDeps } from "./types";

export const answerDisputeSchema = z.strictObject({
  /** What the charity found: a code of `DISPUTE_ANSWERS`. */
  answer: z.enum(DISPUTE_ANSWERS),
  /** Where the charity's evidence is (an IPFS CID of an encrypted upload); never free text. */
  evidenceCid: z.string().regex(CID_PATTERN).optional(),
});
export type AnswerDisputeParams = z.input<typeof answerDisputeSchema>;

export interface AnswerDisputeAccess {
  reader: Reader;
  purpose?: string | null;
  requestId?: string | null;
}

/**
 * The programme's charity answers a household's dispute of one of its deliveries (disputed before
 * redemption, or flagged after it): a code of `DISPUTE_ANSWERS` and an optional evidence CID, with who and
 * when, recorded with an access-log entry (`delivery.dispute_answer`, the household as subject) in one
 * transaction. Anyone but that charity is told what an unknown delivery answers (404). The same answer
 * again answers the delivery as it stands and writes nothing; another answer is 409 `already_answered`. A
 * delivery nobody disputed is 409 `not_disputed`; a flag already resolved on chain is 409 `dispute_closed`.
 */
export async function answerDispute(
  deps: DeliveryDeps,
  access: AnswerDisputeAccess,
  deliveryId: string,
  params: AnswerDisputeParams,
): Promise<DeliveryView> {
  const input = parseInput(answerDisputeSchema, params);
  const evidenceCid = input.evidenceCid ?? null;
  const row = deliveryRow(deps, deliveryId);
  if (access.reader.role !== "charity" || programmeCharity(deps, row.programme_id) !== access.reader.orgId)
    throw new NotFoundError("deliveryId", "No delivery has this id.");
  const sameAs = (known: { answer: string; evidenceCid: string | null }) =>
    known.answer === input.answer && known.evidenceCid === evidenceCid;
  const known = disputeAnswerOf(deps, deliveryId);
  if (known) {
    if (sameAs(known)) return deliveryView(deps, row);
    throw alreadyAnswered();
  }
  const view = await deliveryView(deps, row);
  if (!view.dispute)
    throw new DeliveryStateError(
      "not_disputed",
      "Nobody disputed this delivery: there is nothing to answer.",
    );
  if (view.flag === "upheld" || view.flag === "dismissed")
    throw new DeliveryStateError("dispute_closed", "This flag is already resolved on chain.");

  const answered = deps.db.transaction(() => {
    const inserted = cachedStatement(
      deps.db,
      `INSERT INTO dispute_answers (delivery_id, answer, evidence_cid, answered_by, answered_key, answered_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
    ).run(
      deliveryId,
      input.answer,
      evidenceCid,
      access.reader.orgId,
      access.reader.keyId,
      deps.now().toISOString(),
    );
    // Answered meanwhile (another request of the same charity): the same answer stands, another is refused.
    if (inserted.changes !== 1) return false;
    recordAccess(deps.db, {
      reader: access.reader,
      action: "delivery.dispute_answer",
      subject: row.household_ref,
      grounds: `programme:${row.programme_id}`,
      purpose: access.purpose ?? null,
      requestId: access.requestId ?? null,
      now: deps.now,
    });
    return true;
  })();
  if (!answered && !sameAs(disputeAnswerOf(deps, deliveryId)!)) throw alreadyAnswered();
  return deliveryView(deps, deliveryRow(deps, deliveryId));
}

function alreadyAnswered(): AppError {
  return new AppError(
    "ConflictError",
    409,
    "This dispute was already answered otherwise.",
    "answer",
    "already_answered",
  );
}
