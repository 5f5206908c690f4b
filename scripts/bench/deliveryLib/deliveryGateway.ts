/**
 * The gateway of the delivery bench, in its own process so the load generator never shares its event loop.
 * It builds its world through its own API (the e2e delivery fixture: a charity's programme allowing one
 * vendor, households enrolled, registered and issued), moves every household head to a self-custodied
 * wallet (keys derived from the head's index, so the bench process signs as that head's phone would),
 * then answers the bench over IPC: open deliveries (through the API), redeem some through the outbox
 * (single `redeem` or `redeemBatch`), report progress, stop. A bare node:http server beside it is the
 * HTTP baseline.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { Wallet, type Interface } from "ethers";
import { encodeRedeemBatch } from "../../../src/chain/redeemBatch";
import { deliveryWorld, type DeliveryWorld } from "../../../test/gateway/e2e/deliveryFixture";
import { benchHeadKey, type BenchReply, type BenchRequest, type OpenedDelivery } from "./protocol";

const OPEN_CONCURRENCY = 16;

/** The V8 CPU profiler of this process, over a window the bench chooses (BENCH_CPU_PROF). */
const profiler = (() => {
  const session = new Session();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  return {
    async start() {
      session.connect();
      await post("Profiler.enable");
      await post("Profiler.start");
    },
    async stop(file: string) {
      const { profile } = await post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
})();

async function main(): Promise<void> {
  const households = Number(process.env.BENCH_HOUSEHOLDS ?? 40);
  const started = performance.now();
  const world = await deliveryWorld(households, 700_001, {
    logLevel: "info",
    env: { SINTECH_RATE_LIMIT_MAX: "1000000" },
  });
  await selfCustody(world);
  const bare = await listenBare();
  reply({
    type: "ready",
    url: world.gw.url,
    bareUrl: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
    vendorKey: world.vendor.apiKey,
    households,
    setupMs: performance.now() - started,
  });
  process.on("message", (message: BenchRequest) => {
    handle(world, message)
      .then(reply)
      .catch((error: unknown) => reply({ type: "error", message: String((error as Error).stack ?? error) }));
  });
  process.on("disconnect", () => void world.gw.stop().finally(() => process.exit(0)));
}

async function handle(world: DeliveryWorld, message: BenchRequest): Promise<BenchReply> {
  switch (message.type) {
    case "open":
      return { type: "opened", deliveries: await openMany(world, message.count, message.from) };
    case "redeem":
      return { type: "redeemed", ...(await redeemThroughOutbox(world, message.count, message.batch)) };
    case "progress": {
      const db = world.gw.services.store.sqlite;
      const states = db.prepare("SELECT state, count(*) AS n FROM deliveries GROUP BY state").all() as {
        state: string;
        n: number;
      }[];
      return {
        type: "progress",
        states: Object.fromEntries(states.map((row) => [row.state, row.n])),
        outboxPending: world.gw.services.outbox.pendingCount(),
      };
    }
    case "profile":
      await (message.file === undefined ? profiler.start() : profiler.stop(message.file));
      return { type: "profiling" };
    case "stop":
      await world.gw.stop();
      setImmediate(() => process.exit(0));
      return { type: "stopped" };
  }
}

/** Every head's custodial wallet is replaced by its own (challenge, proof, rebind), as a phone's owner does. */
async function selfCustody(world: DeliveryWorld): Promise<void> {
  const { gw, registrar, households } = world;
  for (const [index, household] of households.entries()) {
    const phone = new Wallet(benchHeadKey(index));
    const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
      beneficiaryRef: household.headRef,
      address: phone.address,
    });
    const proof = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
      challengeId: challenge.body.challengeId,
      signature: await phone.signMessage(challenge.body.message),
    });
    const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
      beneficiaryRef: household.headRef,
      to: phone.address,
      reason: "own_phone",
    });
    if (proof.status !== 200 || rebind.status !== 200) throw new Error(`rebind ${index}: ${rebind.text}`);
  }
  await gw.services.outbox.drain();
}

/** Opens `count` deliveries through the API, households in turn from `from`, 16 at a time. */
async function openMany(world: DeliveryWorld, count: number, from: number): Promise<OpenedDelivery[]> {
  const opened: OpenedDelivery[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const headIndex = (from + i) % world.households.length;
      const res = await fetch(`${world.gw.url}/v1/deliveries`, {
        method: "POST",
        headers: { Authorization: `Bearer ${world.vendor.apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          programmeId: world.programmeId,
          householdRef: world.households[headIndex]!.householdRef,
          amount: "1",
          item: "food-basket",
          idempotencyKey: `bench-delivery-${from + i}`,
        }),
      });
      const body = (await res.json()) as { delivery: OpenedDelivery & Record<string, unknown> };
      if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(body)}`);
      const { deliveryId, redemptionId, typedData } = body.delivery;
      opened[i] = { deliveryId, redemptionId, typedData, headIndex };
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
  return opened;
}

/**
 * Opens `count` deliveries, has each head's wallet sign its receipt, and queues their redemption straight
 * into the outbox (the chain helper, not the delivery queue): one `redeem` job each, or `redeemBatch` jobs
 * of `batch` receipts. Timed from the first enqueue to the last receipt; every redemption is then found
 * among the ledger's `DeliveryRedeemed` events.
 */
async function redeemThroughOutbox(world: DeliveryWorld, count: number, batch: number) {
  const { gw, vendor } = world;
  const { ledger } = gw.services.system;
  const opened = await openMany(world, count, 1_000_000 + batch * 10_000);
  const items = await Promise.all(
    opened.map(async (delivery) => ({
      receipt: delivery.typedData.message,
      beneficiarySignature: await new Wallet(benchHeadKey(delivery.headIndex)).signTypedData(
        delivery.typedData.domain,
        delivery.typedData.types,
        delivery.typedData.message,
      ),
      fieldAgentSignature: "0x",
    })),
  );
  const fromBlock = await gw.services.provider.getBlockNumber();
  const started = performance.now();
  const keys: string[] = [];
  for (let first = 0; first < items.length; first += batch) {
    const chunk = items.slice(first, first + batch);
    const data =
      batch === 1
        ? (ledger.interface as Interface).encodeFunctionData("redeem", [
            chunk[0]!.receipt,
            chunk[0]!.beneficiarySignature,
            "0x",
          ])
        : encodeRedeemBatch(ledger.interface, chunk as never);
    const idempotencyKey = `bench:redeem:${batch}:${first}:${opened[first]!.deliveryId}`;
    gw.services.outbox.enqueue({
      idempotencyKey,
      kind: batch === 1 ? "bench.redeem" : "bench.redeemBatch",
      from: vendor.address,
      to: ledger.target as string,
      data,
    });
    keys.push(idempotencyKey);
  }
  while (gw.services.outbox.pendingCount() > 0) await gw.services.outbox.drain();
  const ms = performance.now() - started;
  const jobs = keys.map((key) => gw.services.outbox.byKey(key)!);
  const events = await ledger.queryFilter(ledger.filters.DeliveryRedeemed(), fromBlock);
  const ids = new Set(events.map((event) => (event.args.redemptionId as string).toLowerCase()));
  return {
    count,
    batch,
    ms,
    jobs: jobs.length,
    confirmed: jobs.filter((job) => job.status === "confirmed").length,
    redeemedOnChain: opened.filter((delivery) => ids.has(delivery.redemptionId.toLowerCase())).length,
    gasPerReceipt: jobs.reduce((sum, job) => sum + Number(job.gasUsed ?? 0), 0) / count,
  };
}

function reply(message: BenchReply): void {
  process.send!(message);
}

/** The smallest JSON server node:http can be: what the loopback and the generator cost without Express. */
function listenBare(): Promise<Server> {
  const body = JSON.stringify({ status: "ok" });
  const server = createServer((req, res) => {
    req.resume();
    req.once("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `delivery bench gateway failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
