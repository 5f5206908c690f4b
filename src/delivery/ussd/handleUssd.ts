import { z } from "zod";
import { cachedStatement } from "../../db/statements";
import { ValidationError } from "../../errors";
import { findHouseholdByPhone } from "../../households";
import { requestFingerprint } from "../../identity";
import { parseInput } from "../../validation";
import { AccessCheckError, AccessLockedError } from "../../wallets";
import { acceptDelivery } from "../acceptDelivery";
import { disputeDelivery } from "../disputeDelivery";
import { DeliveryStateError } from "../errors";
import { householdReceipts } from "../householdReceipts";
import { pendingDeliveriesFor } from "../pendingDeliveries";
import type { DeliveryDeps } from "../types";
import { advance, show, startState, type ActionOutcome, type MenuCalls, type Reply, type Step } from "./menu";
import { TEXTS } from "./texts";
import {
  dropExpiredSessions,
  loadSession,
  rememberedLanguage,
  rememberLanguage,
  saveSession,
} from "./ussdSessions";

/** One callback of a USSD aggregator (Africa's Talking's fields), as JSON or a form. */
export const ussdRequestSchema = z.object({
  sessionId: z.string().min(1).max(128),
  serviceCode: z.string().min(1).max(64),
  phoneNumber: z.string().min(1).max(32),
  /** Everything typed so far in the session, inputs joined by `*`; empty at the first callback. */
  text: z.string().max(512).default(""),
  networkCode: z.string().max(32).optional(),
});
export type UssdRequest = z.input<typeof ussdRequestSchema>;

const EXPIRED_SESSION_GRACE_MS = 60 * 60 * 1000;

export interface UssdDeps extends DeliveryDeps {
  /** A session ends this long after its last input, as real gateways do (180 s). */
  sessionTimeoutMs: number;
}

/** What the face answers, and what may be logged of it (no number, nothing typed). */
export interface UssdAnswer {
  reply: Reply;
  caller: "known" | "unknown";
  /** Set when an acceptance or a dispute was tried: how it ended. */
  action?: ActionOutcome;
}

/**
 * Answers one aggregator callback. The phone number becomes its keyed reference at once and is dropped;
 * the household is the one whose member gave that number. An unknown number (or one two households
 * share) gets a polite `END` that says nothing about why. The inputs this callback adds to the session's
 * text drive the menu (`advance`); a new session, or one idle past its timeout, starts at the first menu,
 * and a session that answered `END` takes no more input.
 */
export async function handleUssd(deps: UssdDeps, request: unknown): Promise<UssdAnswer> {
  const input = parseInput(ussdRequestSchema, request);
  const now = deps.now();
  // Kept a while past their timeout so a late callback of the same session is told it starts over.
  dropExpiredSessions(deps.db, new Date(now.getTime() - EXPIRED_SESSION_GRACE_MS));
  const match = findHouseholdByPhone(deps.households, input.phoneNumber);
  if (match === undefined) {
    return {
      reply: { kind: "END", text: `${TEXTS.fa.unknownCaller}\n${TEXTS.en.unknownCaller}` },
      caller: "unknown",
    };
  }
  const callerRef = match.phoneRef;
  const sessionRef = requestFingerprint(deps.households.peppers, "ussd-session", input.sessionId);
  const inputs = input.text === "" ? [] : input.text.split("*");

  const stored = loadSession(deps.db, sessionRef);
  const current = stored !== undefined && stored.householdRef === match.householdRef;
  const live = current && stored.expiresAt > now.getTime() && stored.consumed <= inputs.length;
  if (live && stored.ended) {
    return {
      reply: { kind: "END", text: TEXTS[stored.state.language ?? "fa"].sessionOver },
      caller: "known",
    };
  }
  let state = live ? stored.state : startState(rememberedLanguage(deps.db, callerRef));
  // A new session (or one that timed out) starts at the first menu, whatever text it arrives with: keys
  // replayed into a fresh menu could choose another delivery than the caller saw.
  const consumed = live ? stored.consumed : inputs.length;

  let action: ActionOutcome | undefined;
  const calls = bindCalls(deps, match, callerRef, (outcome) => (action = outcome));
  let step: Step | undefined;
  for (const typed of inputs.slice(consumed)) {
    step = await advance(state, typed, calls);
    state = step.state;
    if (step.reply.kind === "END") break;
  }
  step ??= await show(state, calls);

  saveSession(deps.db, {
    sessionRef,
    phoneRef: callerRef,
    householdRef: match.householdRef,
    beneficiaryRef: match.beneficiaryRef,
    state: step.state,
    consumed: inputs.length,
    ended: step.reply.kind === "END",
    now,
    timeoutMs: deps.sessionTimeoutMs,
  });
  return { reply: step.reply, caller: "known", ...(action !== undefined && { action }) };
}

/** The delivery room's use-cases, for this caller's household and member only. */
function bindCalls(
  deps: UssdDeps,
  caller: { householdRef: string; beneficiaryRef: string },
  callerRef: string,
  record: (outcome: ActionOutcome) => void,
): MenuCalls {
  const nameOf = (sql: string, id: string | number) =>
    (cachedStatement(deps.db, sql, "pluck").get(id) as string | undefined) ?? "";
  const pending = async () =>
    (await pendingDeliveriesFor(deps, caller.householdRef)).map((delivery) => ({
      deliveryId: delivery.deliveryId,
      vendorName: nameOf("SELECT name FROM organisations WHERE org_id = ?", delivery.vendorOrgId),
      programmeName: nameOf("SELECT name FROM programmes WHERE programme_id = ?", delivery.programmeId),
      item: delivery.item,
      quantity: delivery.quantity,
      amount: delivery.amount,
    }));
  /** Only a delivery still pending for this household is acted on, whatever the session holds. */
  const act = async (deliveryId: string, run: () => Promise<unknown>): Promise<ActionOutcome> => {
    let outcome: ActionOutcome;
    if (!(await pending()).some((line) => line.deliveryId === deliveryId)) {
      outcome = { ok: false, problem: "not_open" };
    } else {
      try {
        await run();
        outcome = { ok: true };
      } catch (error) {
        outcome = outcomeOf(error);
      }
    }
    record(outcome);
    return outcome;
  };
  return {
    pending,
    receipts: async () =>
      householdReceipts(deps, caller.householdRef, { limit: 20 }).map((receipt) => ({
        vendorName: receipt.vendorName ?? "",
        amount: receipt.amount,
        acceptedAt: receipt.acceptedAt,
        status: receipt.status,
      })),
    accept: (deliveryId, pin) =>
      act(deliveryId, () =>
        acceptDelivery(deps, { deliveryId, by: caller.beneficiaryRef, channel: "ussd", pin }),
      ),
    dispute: (deliveryId, reason, pin) =>
      act(deliveryId, () => disputeDelivery(deps, { deliveryId, by: caller.beneficiaryRef, reason, pin })),
    rememberLanguage: (language) => rememberLanguage(deps.db, callerRef, language, deps.now()),
  };
}

function outcomeOf(error: unknown): ActionOutcome {
  if (error instanceof AccessCheckError && error.code === "pin_incorrect") {
    return { ok: false, problem: "pin_incorrect", attemptsLeft: error.attemptsLeft ?? 0 };
  }
  if (error instanceof ValidationError && error.field?.endsWith("pin"))
    return { ok: false, problem: "pin_format" };
  if (error instanceof AccessLockedError) return { ok: false, problem: "locked" };
  if (error instanceof DeliveryStateError) return { ok: false, problem: "not_open" };
  return { ok: false, problem: "failed" };
}
