import type { Database } from "better-sqlite3";
import type { JobHandlers } from "../chain/outbox";
import { cachedStatement } from "../db/statements";
import { householdPhone } from "../delivery";
import { fromUnits } from "../programmes";
import type { MandateDeps } from "./types";

/**
 * The redemption jobs' handlers (the delivery room's), with one step after a confirmation: each premium the
 * job redeemed is marked for its notice, in the same DB transaction as the delivery's own state, so a crash
 * after the block cannot lose the household's SMS. `sendPremiumNotices` then sends it.
 */
export function withPremiumNotices(deps: Pick<MandateDeps, "db">, handlers: JobHandlers): JobHandlers {
  return {
    ...handlers,
    confirmed(job, receipt) {
      handlers.confirmed?.(job, receipt);
      cachedStatement(
        deps.db,
        `UPDATE mandate_premiums SET notice = 'pending' WHERE notice = 'waiting' AND delivery_id IN
           (SELECT delivery_id FROM deliveries WHERE redeem_job_id = ? AND state = 'redeemed')`,
      ).run(job.jobId);
    },
  };
}

interface PendingNotice {
  delivery_id: string;
  period: number;
  household_ref: string;
  beneficiary_ref: string;
  programme_id: number;
  amount: string;
  insurer_name: string | null;
}

const sending = new WeakMap<Database, Promise<number>>();

/**
 * Tells each household whose premium confirmed on chain that it is insured this period, in Persian and
 * English, through the SMS adapter (the development one appends to `sms-outbox.jsonl`); the phone is read
 * from the household's vault in memory only. A notice is marked sent after the adapter took it: a crash in
 * between sends it again rather than never. One sender at a time per database. Returns how many were sent.
 */
export function sendPremiumNotices(deps: MandateDeps): Promise<number> {
  const running = sending.get(deps.db);
  if (running) return running.then(() => sendPremiumNotices(deps));
  const run = sendPending(deps).finally(() => sending.delete(deps.db));
  sending.set(deps.db, run);
  return run;
}

async function sendPending(deps: MandateDeps): Promise<number> {
  const pending = cachedStatement(
    deps.db,
    `SELECT p.delivery_id, p.period, d.household_ref, d.beneficiary_ref, d.programme_id, d.amount,
            o.name AS insurer_name
       FROM mandate_premiums p JOIN deliveries d ON d.delivery_id = p.delivery_id
       LEFT JOIN organisations o ON o.org_id = d.vendor_org_id
      WHERE p.notice = 'pending' ORDER BY p.rowid`,
  ).all() as PendingNotice[];
  const mark = cachedStatement(
    deps.db,
    "UPDATE mandate_premiums SET notice = ?, noticed_at = ? WHERE delivery_id = ?",
  );
  let sent = 0;
  for (const notice of pending) {
    const phone = householdPhone(deps, notice.household_ref, notice.beneficiary_ref);
    if (phone === undefined) {
      mark.run("no_phone", deps.now().toISOString(), notice.delivery_id);
      continue;
    }
    await deps.sms.send({
      to: phone,
      text: insuredText(notice, fromUnits(BigInt(notice.amount), deps.decimals)),
    });
    mark.run("sent", deps.now().toISOString(), notice.delivery_id);
    sent++;
  }
  return sent;
}

/** What the household reads: insured this period, which programme, the premium and the insurer (an organisation). */
export function insuredText(
  notice: Pick<PendingNotice, "period" | "programme_id" | "insurer_name">,
  amount: string,
): string {
  const insurer = notice.insurer_name ?? "your insurer";
  return (
    `Sin Tech: your household is insured this period (period ${notice.period}) under programme ${notice.programme_id}: ` +
    `the premium of ${amount} was paid to ${insurer}.\n` +
    `سین‌تک: خانوار شما در این دوره (دورهٔ ${notice.period}) در برنامهٔ ${notice.programme_id} بیمه است؛ ` +
    `حق بیمهٔ ${amount} به ${insurer} پرداخت شد.`
  );
}

/**
 * Sends the notices of premiums confirmed by the outbox's own ticks (after a restart, or a batch folded by the
 * delivery room) every two seconds while any waits; returns the function that stops it.
 */
export function sendNoticesOnTime(
  deps: MandateDeps,
  logger: { warn(obj: object, msg: string): void },
): () => void {
  const timer = setInterval(() => {
    const waiting = cachedStatement(
      deps.db,
      "SELECT 1 FROM mandate_premiums WHERE notice = 'pending' LIMIT 1",
      "pluck",
    ).get();
    if (waiting === undefined) return;
    sendPremiumNotices(deps).catch((error: unknown) => {
      const reason =
        error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unknown error";
      logger.warn({ err: reason }, "premium notices will be sent on the next tick");
    });
  }, 2_000);
  timer.unref();
  return () => clearInterval(timer);
}
