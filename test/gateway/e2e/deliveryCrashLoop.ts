import { copyFileSync, renameSync } from "node:fs";
import path from "node:path";
import { mulberry32, startChild } from "./crashLoop";
import { bootE2e, removeDataDir, type E2eGateway } from "./harness";
import { deliveryWorld, PIN } from "./deliveryFixture";
import { checkDeliveriesOnChain, type DeliveryChainCheck } from "./deliveryCrashCheck";

/**
 * The delivery crash loop of issue 9: a gateway started as `sintech start` (anvil in its process group) while
 * a vendor's counter opens deliveries and relays the household's PIN, each accepted delivery's redemption
 * going through the outbox, and a field agent's tablet uploads off-chain confirmations that close into
 * anchored Merkle batches, is SIGKILLed at a random moment, then started again; every few rounds the node
 * also comes back from the state it had when the round began (anvil restored from a dump seconds old).
 * A client whose request was cut sends it again, with the same key, to the next gateway. A last clean boot
 * drains, and the outcome is checked against the chain's events (see deliveryCrashCheck.ts).
 */
export interface DeliveryCrashLoopOptions {
  kills: number;
  /** The kill comes this many ms (uniformly at random in the range) after the round's requests start. */
  killAfterMs: readonly [number, number];
  /** Every this many rounds (0: never) the node is rewound to the round's start. */
  rewindEvery?: number;
  /** The counter starts a delivery at most this often (ms), the tablet a confirmation five times as often. */
  paceMs?: number;
  seed?: number;
  log?(line: string): void;
}

export interface DeliveryCrashLoopReport extends DeliveryChainCheck {
  kills: number;
  /** Requests cut by a kill and sent again to the next gateway. */
  retried: number;
  /** Confirmed jobs the chain had lost, re-broadcast at a boot (from the gateways' logs). */
  rebroadcast: number;
  /** Answers of 5xx, or other than the flow allows, to requests that were not cut by a kill. */
  serverErrors: number;
  seconds: number;
}

/** Small batches closed at least every second, so batches close and anchor across the kills. */
export const ANCHORING = { SINTECH_ANCHOR_BATCH_SIZE: "20", SINTECH_ANCHOR_BATCH_SECONDS: "1" };
const AMOUNT = "10";

export async function runDeliveryCrashLoop(
  options: DeliveryCrashLoopOptions,
): Promise<DeliveryCrashLoopReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed ?? 1);
  const paceMs = options.paceMs ?? 250;
  // The counter serves households in turn, and a custodial wallet signs at most 10 receipts a day.
  const mostDeliveries = (options.kills * options.killAfterMs[1]) / paceMs;
  const world = await deliveryWorld(Math.ceil(mostDeliveries / 8) + 2, 580_001);
  let gw: E2eGateway = world.gw;
  const { dataDir, anvilPort, regulatorKey } = gw;
  const { vendor, fieldAgent, programmeId, households } = world;
  try {
    await gw.stop();
    log(`setup: ${households.length} households issued in programme ${programmeId}`);

    /** Delivery idempotency key → its id, once an open was answered. */
    const opened = new Map<string, string>();
    /** Deliveries whose acceptance a gateway answered (or, sent again, found already accepted). */
    const accepted = new Set<string>();
    /** Confirmation idempotency key → the confirmation id a gateway answered with. */
    const confirmed = new Map<string, string>();
    const counters = { serverErrors: 0, retried: 0, rebroadcast: 0 };
    /** Work a kill cut, sent again first in the next round. */
    let cutDeliveries: string[] = [];
    let cutConfirmations: string[] = [];
    let nextDelivery = 0;
    let nextConfirmation = 0;

    const send = async (url: string, method: string, route: string, key: string, body?: unknown) => {
      try {
        const res = await fetch(`${url}${route}`, {
          method,
          headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      } catch {
        return undefined; // cut by the kill
      }
    };
    /** Opens (or finds again, by its key) and accepts one delivery; false when a kill cut it. */
    const deliver = async (url: string, key: string): Promise<boolean> => {
      const n = Number(key.split("-").at(-1));
      const household = households[n % households.length]!;
      let deliveryId = opened.get(key);
      if (deliveryId === undefined) {
        const res = await send(url, "POST", "/v1/deliveries", vendor.apiKey, {
          programmeId,
          householdRef: household.householdRef,
          amount: AMOUNT,
          item: "food-basket",
          idempotencyKey: key,
        });
        if (res === undefined) return false;
        if (res.status !== 201 && res.status !== 200) return unexpected(res, key);
        deliveryId = res.body.delivery.deliveryId as string;
        opened.set(key, deliveryId);
      }
      const res = await send(url, "POST", `/v1/deliveries/${deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
      });
      if (res === undefined) return false;
      if (res.status === 200) {
        accepted.add(deliveryId);
        return true;
      }
      // Sent again after a cut: the first acceptance may have landed before the kill.
      if (res.status === 409 && res.body.error?.code === "not_open") {
        const view = await send(url, "GET", `/v1/deliveries/${deliveryId}`, vendor.apiKey);
        if (view === undefined) return false;
        if (["accepted", "redeemed"].includes(view.body.state)) {
          accepted.add(deliveryId);
          return true;
        }
      }
      return unexpected(res, key);
    };
    const confirm = async (url: string, key: string): Promise<boolean> => {
      const n = Number(key.split("-").at(-1));
      const res = await send(url, "POST", "/v1/confirmations", fieldAgent.apiKey, {
        programmeId,
        householdRef: households[n % households.length]!.householdRef,
        kind: n % 2 === 0 ? "service_visit" : "in_kind_distribution",
        deliveredAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
        idempotencyKey: key,
      });
      if (res === undefined) return false;
      if (res.status !== 201 && res.status !== 200) return unexpected(res, key);
      const before = confirmed.get(key);
      if (before !== undefined && before !== res.body.confirmationId) return unexpected(res, key);
      confirmed.set(key, res.body.confirmationId as string);
      return true;
    };
    const unexpected = (res: { status: number; body: unknown }, key: string): true => {
      counters.serverErrors++;
      log(`unexpected answer for ${key}: ${res.status} ${JSON.stringify(res.body)}`);
      return true;
    };

    const statePath = path.join(dataDir, "chain", "state.json");
    for (let round = 0; round < options.kills; round++) {
      const rewind = options.rewindEvery ? round % options.rewindEvery === options.rewindEvery - 1 : false;
      if (rewind) copyFileSync(statePath, `${statePath}.round`);
      const child = await startChild(dataDir, anvilPort, ANCHORING);
      counters.rebroadcast += child.rebroadcast();
      let killed = false;
      /** One device: sends what the last kill cut first, then new work, until this gateway dies. */
      const device = async (
        cut: string[],
        fresh: () => string,
        work: (url: string, key: string) => Promise<boolean>,
      ) => {
        const stillCut: string[] = [];
        while (!killed) {
          const again = cut.shift();
          const key = again ?? fresh();
          if (again !== undefined) counters.retried++;
          if (!(await work(child.url, key))) stillCut.push(key);
        }
        return [...stillCut, ...cut];
      };
      const paced =
        (ms: number, work: (url: string, key: string) => Promise<boolean>) =>
        async (url: string, key: string) => {
          const [done] = await Promise.all([work(url, key), sleep(ms)]);
          return done;
        };
      const counter = device(cutDeliveries, () => `counter-1-${nextDelivery++}`, paced(paceMs, deliver));
      const tablet = device(
        cutConfirmations,
        () => `tablet-1-${nextConfirmation++}`,
        paced(paceMs / 5, confirm),
      );
      const [low, high] = options.killAfterMs;
      const delay = low + Math.floor(random() * (high - low));
      await sleep(delay);
      child.kill();
      await child.exited;
      killed = true;
      [cutDeliveries, cutConfirmations] = await Promise.all([counter, tablet]);
      if (rewind) renameSync(`${statePath}.round`, statePath);
      log(
        `kill ${round + 1}/${options.kills} after ${delay} ms: ${accepted.size} accepted, ${confirmed.size} confirmations` +
          `${rewind ? ", node rewound to the round's start" : ""}`,
      );
    }

    // A last clean boot drains what is left; the cut requests are sent again, then checked on chain.
    gw = await bootE2e({ dataDir, anvilPort, regulatorKey, env: ANCHORING });
    for (const key of cutDeliveries) {
      counters.retried++;
      if (!(await deliver(gw.url, key))) throw new Error(`the retried delivery ${key} was cut`);
    }
    for (const key of cutConfirmations) {
      counters.retried++;
      if (!(await confirm(gw.url, key))) throw new Error(`the retried confirmation ${key} was cut`);
    }
    const check = await checkDeliveriesOnChain(gw, { programmeId, accepted, confirmed });
    counters.rebroadcast += gw.logLines.filter((line) => line.includes("re-broadcasting")).length;
    return {
      kills: options.kills,
      ...check,
      ...counters,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await gw.stop().catch(() => undefined);
    removeDataDir(dataDir);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
