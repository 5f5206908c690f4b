import { expect } from "chai";
import { copyFileSync, renameSync } from "node:fs";
import path from "node:path";
import { syntheticNationalId } from "../../../src/identity";
import { startChild } from "./crashLoop";
import {
  bootE2e,
  createProgramme,
  householdBody,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
} from "./harness";

const KILLS = 3;
const ANCHORING = { SINTECH_ANCHOR_BATCH_SIZE: "20", SINTECH_ANCHOR_BATCH_SECONDS: "1" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A field agent's device uploads confirmations (each with its idempotency key) to a gateway that is
 * SIGKILLed with its node while batches close and anchor, every second round with the node rewound to the
 * round's start; a cut upload is sent again to the next gateway. After a clean boot every reported
 * confirmation is anchored in exactly one batch, every batch once on chain, and every proof verifies there.
 */
describe("e2e: hard kills while confirmations are recorded and anchored", function () {
  this.timeout(600_000);

  it("loses no confirmation, anchors none twice, and every proof verifies on chain", async () => {
    let gw: E2eGateway = await bootE2e({ env: ANCHORING });
    const { dataDir, anvilPort, regulatorKey } = gw;
    try {
      const agent = await registerOrganisation(gw, "field_agent");
      const charity = await registerOrganisation(gw, "charity");
      const programmeId = await createProgramme(gw, charity);
      const refs: string[] = [];
      for (let n = 0; n < 3; n++) {
        const res = await gw.post(
          "/v1/households",
          charity.apiKey,
          householdBody([syntheticNationalId(940_001 + n)]),
        );
        expect(res.status, res.text).to.equal(201);
        refs.push(res.body.householdRef);
      }
      await gw.stop();

      /** Idempotency key → the confirmation id a gateway answered with. */
      const reported = new Map<string, string>();
      let cut: string[] = [];
      let serverErrors = 0;
      let next = 0;
      let rebroadcast = 0;
      const upload = async (url: string, key: string): Promise<boolean> => {
        const n = Number(key.split("-").at(-1));
        try {
          const res = await fetch(`${url}/v1/confirmations`, {
            method: "POST",
            headers: { Authorization: `Bearer ${agent.apiKey}`, "Content-Type": "application/json" },
            body: JSON.stringify({
              programmeId,
              householdRef: refs[n % refs.length],
              kind: n % 2 === 0 ? "service_visit" : "in_kind_distribution",
              deliveredAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
              idempotencyKey: key,
            }),
          });
          const body = (await res.json()) as { confirmationId?: string };
          if (res.status >= 500) serverErrors++;
          expect(res.status, JSON.stringify(body)).to.be.oneOf([200, 201]);
          const before = reported.get(key);
          if (before !== undefined) expect(body.confirmationId).to.equal(before);
          reported.set(key, body.confirmationId!);
          return true;
        } catch (error) {
          if ((error as Error).name === "AssertionError") throw error;
          return false; // cut by the kill
        }
      };

      for (let round = 0; round < KILLS; round++) {
        const statePath = path.join(dataDir, "chain", "state.json");
        const rewind = round % 2 === 1;
        if (rewind) copyFileSync(statePath, `${statePath}.round`);
        const child = await startChild(dataDir, anvilPort, ANCHORING);
        rebroadcast += child.rebroadcast();
        let killed = false;
        const device = (async () => {
          while (!killed) {
            const key = cut.shift() ?? `tablet-1-${next++}`;
            if (!(await upload(child.url, key))) cut.push(key);
          }
        })();
        await sleep(1_500 + round * 700);
        child.kill();
        await child.exited;
        killed = true;
        await device;
        if (rewind) renameSync(`${statePath}.round`, statePath);
      }

      gw = await bootE2e({ dataDir, anvilPort, regulatorKey, env: ANCHORING });
      const pending = cut;
      cut = [];
      for (const key of pending) expect(await upload(gw.url, key), key).to.equal(true);
      const db = gw.services.store.sqlite;
      const unanchored = () =>
        db
          .prepare(
            `SELECT count(*) FROM confirmations c LEFT JOIN anchor_batches b ON b.batch_id = c.batch_id
             WHERE b.status IS NOT 'anchored'`,
          )
          .pluck()
          .get() as number;
      for (const deadline = Date.now() + 60_000; unanchored() > 0 && Date.now() < deadline;) await sleep(200);
      await gw.services.outbox.drain();
      expect(unanchored(), "every confirmation anchored").to.equal(0);

      const rows = db
        .prepare("SELECT idempotency_key AS key, confirmation_id AS id FROM confirmations")
        .all() as {
        key: string;
        id: string;
      }[];
      expect(reported.size, "uploads answered").to.be.greaterThan(KILLS * 5);
      expect(rows.length, "one row per upload, none lost, none twice").to.equal(reported.size);
      for (const row of rows) expect(reported.get(row.key), row.key).to.equal(row.id);

      const batches = db.prepare("SELECT root, count FROM anchor_batches").all() as {
        root: string;
        count: number;
      }[];
      expect(batches.reduce((sum, batch) => sum + batch.count, 0)).to.equal(rows.length);
      const anchor = gw.services.system.anchor;
      const events = await anchor.queryFilter(anchor.filters.ReceiptsAnchored());
      const ours = events.filter((event) => batches.some((batch) => batch.root === event.args.root));
      expect(ours.length, "each batch anchored once on chain").to.equal(batches.length);
      for (const batch of batches)
        expect((await anchor.anchorOf(batch.root))[1]).to.equal(BigInt(batch.count));

      const proofs = db
        .prepare(
          `SELECT c.confirmation_hash AS hash, c.proof, b.root FROM confirmations c
           JOIN anchor_batches b ON b.batch_id = c.batch_id`,
        )
        .all() as { hash: string; proof: string; root: string }[];
      const verified = await Promise.all(
        proofs.map((row) => anchor.verifyReceipt(row.root, row.hash, JSON.parse(row.proof) as string[])),
      );
      expect(verified.filter((ok) => !ok).length, "proofs refused on chain").to.equal(0);
      expect(serverErrors).to.equal(0);
      expect(batches.length, "batches closed across the kills").to.be.greaterThan(KILLS);
      const finalRebroadcast = gw.logLines.filter((line) => line.includes("re-broadcasting")).length;
      expect(rebroadcast + finalRebroadcast, "the rewound node lost anchors, sent again").to.be.greaterThan(
        0,
      );
    } finally {
      await gw.stop().catch(() => undefined);
      removeDataDir(dataDir);
    }
  });
});
