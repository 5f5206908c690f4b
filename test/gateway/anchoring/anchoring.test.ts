import { expect } from "chai";
import { AbiCoder, ZeroHash, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import {
  closeDueBatches,
  CONFIRMATION_KINDS,
  CONFIRMATION_TYPES,
  confirmationHashOf,
  getConfirmation,
  listAnchors,
  MerkleTree,
  recordConfirmation,
  verifyConfirmation,
  type AnchoringDeps,
  type RecordConfirmationParams,
} from "../../../src/anchoring";
import { anchoringWorld, type AnchoringWorld } from "../../../scripts/bench/deliveryLib/anchoringWorld";
import { MerkleTree as ReferenceTree } from "../../contracts/helpers/merkle";

const MINUTE = 60_000;
const REGISTRAR_LICENCE = 5;

/** A clock the test moves by hand, starting now (the gateway records `recordedAt` from it). */
function manualClock(start = Date.now()) {
  let at = start;
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

describe("anchoring: confirmations in Merkle batches, anchored through the outbox", function () {
  this.timeout(120_000);
  let world: AnchoringWorld;

  before(async () => {
    world = await anchoringWorld();
  });
  after(async () => {
    await world?.stop();
  });

  const confirmation = (n: number, overrides: Partial<RecordConfirmationParams> = {}) => ({
    programmeId: world.programmeId,
    householdRef: world.householdRefs[n % world.householdRefs.length]!,
    kind: n % 2 === 0 ? ("in_kind_distribution" as const) : ("service_visit" as const),
    deliveredAt: new Date(Date.now() - 3_600_000 + n * 1000).toISOString(),
    recordedBy: world.charityOrgId,
    ...overrides,
  });

  const count = (deps: AnchoringDeps, sql: string) => deps.db.prepare(sql).pluck().get() as number;
  const pendingCount = (deps: AnchoringDeps) =>
    count(deps, "SELECT count(*) FROM confirmations WHERE batch_id IS NULL");

  /** Every `ReceiptsAnchored` event the chain holds for `root`. */
  const anchorEvents = async (root: string) =>
    world.system.anchor.queryFilter(world.system.anchor.filters.ReceiptsAnchored(root));

  describe("batching", () => {
    it("closes a batch when it holds batchSize confirmations, in the transaction of the one that fills it", async () => {
      const gw = world.open({ policy: { batchSize: 3, maxAgeMs: 10 * MINUTE } });
      try {
        const first = recordConfirmation(gw.deps, confirmation(0));
        const second = recordConfirmation(gw.deps, confirmation(1));
        expect([first.state, second.state]).to.deep.equal(["pending", "pending"]);
        expect(getConfirmation(gw.deps, first.confirmationId).batch).to.equal(null);
        const third = recordConfirmation(gw.deps, confirmation(2));
        expect(third.state).to.equal("batched");
        const batch = getConfirmation(gw.deps, first.confirmationId).batch!;
        expect(batch).to.include({ leafIndex: 0, state: "queued", proof: null });
        expect(getConfirmation(gw.deps, third.confirmationId).batch).to.include({
          root: batch.root,
          leafIndex: 2,
        });
        const job = gw.outbox.byKey(`anchor:${batch.root}:1`)!;
        expect(job.data).to.equal(
          world.system.anchor.interface.encodeFunctionData("anchor", [batch.root, 3, "/v1/anchors"]),
        );
        const fourth = recordConfirmation(gw.deps, confirmation(3));
        expect(fourth.state).to.equal("pending");
        await gw.outbox.drain();
        expect(getConfirmation(gw.deps, first.confirmationId).state).to.equal("anchored");
        expect(getConfirmation(gw.deps, fourth.confirmationId).state).to.equal("pending");
        // Leave nothing pending for the next test.
        closeDueBatches({ ...gw.deps, now: () => new Date(Date.now() + 11 * MINUTE) });
        await gw.outbox.drain();
      } finally {
        gw.close();
      }
    });

    it("closes a batch when its oldest confirmation is maxAgeMs old, and not a moment before", async () => {
      const clock = manualClock();
      const gw = world.open({ policy: { batchSize: 1_000, maxAgeMs: 10 * MINUTE }, now: clock.now });
      try {
        const oldest = recordConfirmation(gw.deps, confirmation(0));
        clock.advance(4 * MINUTE);
        const younger = recordConfirmation(gw.deps, confirmation(1));
        clock.advance(6 * MINUTE - 1);
        expect(closeDueBatches(gw.deps)).to.deep.equal([]);
        expect(pendingCount(gw.deps)).to.equal(2);
        clock.advance(1);
        const [closed, ...more] = closeDueBatches(gw.deps);
        expect(more).to.deep.equal([]);
        expect(closed!.count).to.equal(2);
        expect(pendingCount(gw.deps)).to.equal(0);
        expect(closeDueBatches(gw.deps)).to.deep.equal([]);
        await gw.outbox.drain();
        for (const id of [oldest.confirmationId, younger.confirmationId]) {
          const verified = await verifyConfirmation(gw.deps, id);
          expect(verified.state).to.equal("anchored");
          expect(verified.verifiedOnChain).to.equal(true);
        }
      } finally {
        gw.close();
      }
    });
  });

  describe("proofs on chain", () => {
    for (const size of [1, 2, 3, 1000]) {
      it(`verifies every confirmation of a batch of ${size} with ReceiptAnchor.verifyReceipt`, async () => {
        const gw = world.open({ policy: { batchSize: size, maxAgeMs: 10 * MINUTE } });
        try {
          const recorded = Array.from({ length: size }, (_, n) =>
            recordConfirmation(gw.deps, confirmation(n)),
          );
          expect(recorded.at(-1)!.state).to.equal("batched");
          await gw.outbox.drain();
          const views = recorded.map((r) => getConfirmation(gw.deps, r.confirmationId));
          const root = views[0]!.batch!.root;
          const [anchoredAt, anchoredCount] = await world.system.anchor.anchorOf(root);
          expect(anchoredCount).to.equal(BigInt(size));
          expect(anchoredAt).to.be.greaterThan(0n);
          // The contract tests' reference builder, on the leaves verifyReceipt hashes: keccak256(confirmationHash).
          const reference = new ReferenceTree(views.map((v) => keccak256(v.confirmationHash)));
          expect(reference.root).to.equal(root);
          const onChain: boolean[] = [];
          for (let start = 0; start < views.length; start += 50) {
            const chunk = views.slice(start, start + 50);
            onChain.push(
              ...(await Promise.all(
                chunk.map((v) =>
                  world.system.anchor.verifyReceipt(root, v.confirmationHash, v.batch!.proof!),
                ),
              )),
            );
          }
          for (const [index, view] of views.entries()) {
            expect(view.state).to.equal("anchored");
            expect(view.batch).to.include({ root, leafIndex: index, state: "anchored" });
            expect(view.batch!.proof).to.deep.equal(reference.proof(index));
            expect(onChain[index], `leaf ${index} of ${size}`).to.equal(true);
          }
          const receipt = await world.provider.getTransactionReceipt(views[0]!.batch!.txHash!);
          expect(receipt!.blockNumber).to.equal(views[0]!.batch!.blockNumber);
          expect(await anchorEvents(root)).to.have.length(1);
        } finally {
          gw.close();
        }
      });
    }

    it("refuses on chain a tampered proof, another confirmation's proof and an altered hash", async () => {
      const gw = world.open({ policy: { batchSize: 5, maxAgeMs: 10 * MINUTE } });
      try {
        const ids = Array.from(
          { length: 5 },
          (_, n) => recordConfirmation(gw.deps, confirmation(n)).confirmationId,
        );
        await gw.outbox.drain();
        const [a, b] = ids.map((id) => getConfirmation(gw.deps, id));
        const { root, proof } = a!.batch!;
        const anchor = world.system.anchor;
        expect(await anchor.verifyReceipt(root, a!.confirmationHash, proof!)).to.equal(true);
        for (let step = 0; step < proof!.length; step++) {
          const tampered = [...proof!];
          tampered[step] = toBeHex(BigInt(tampered[step]!) ^ 1n, 32);
          expect(await anchor.verifyReceipt(root, a!.confirmationHash, tampered), `step ${step}`).to.equal(
            false,
          );
        }
        expect(await anchor.verifyReceipt(root, a!.confirmationHash, proof!.slice(1))).to.equal(false);
        expect(await anchor.verifyReceipt(root, a!.confirmationHash, b!.batch!.proof!)).to.equal(false);
        const altered = toBeHex(BigInt(a!.confirmationHash) ^ 1n, 32);
        expect(await anchor.verifyReceipt(root, altered, proof!)).to.equal(false);
        expect(await anchor.verifyReceipt(ZeroHash.replace(/0$/, "1"), a!.confirmationHash, proof!)).to.equal(
          false,
        );
      } finally {
        gw.close();
      }
    });
  });

  describe("crash safety", () => {
    it("anchors exactly once when the process dies after signing the anchor and before sending it", async () => {
      const crashing = world.open({
        policy: { batchSize: 3, maxAgeMs: 10 * MINUTE },
        afterSign: () => {
          throw new Error("killed after signing");
        },
      });
      const ids = [0, 1, 2].map((n) => recordConfirmation(crashing.deps, confirmation(n)).confirmationId);
      expect(await crashing.outbox.drain().catch((error: Error) => error.message)).to.equal(
        "killed after signing",
      );
      const { root } = getConfirmation(crashing.deps, ids[0]!).batch!;
      expect(crashing.outbox.byKey(`anchor:${root}:1`)!.status).to.equal("signed");
      crashing.close();
      expect(await anchorEvents(root)).to.have.length(0);

      const restarted = world.open({ policy: { batchSize: 3, maxAgeMs: 10 * MINUTE } });
      try {
        await restarted.outbox.reconcile();
        await restarted.outbox.drain();
        expect(
          closeDueBatches({ ...restarted.deps, now: () => new Date(Date.now() + 60 * MINUTE) }),
        ).to.deep.equal([]);
        await restarted.outbox.drain();
        expect(await anchorEvents(root)).to.have.length(1);
        expect(
          count(
            restarted.deps,
            `SELECT count(*) FROM chain_jobs WHERE kind = 'anchor.batch' AND data LIKE '%${root.slice(2)}%'`,
          ),
        ).to.equal(1);
        for (const id of ids) {
          const verified = await verifyConfirmation(restarted.deps, id);
          expect(verified.batch!.root).to.equal(root);
          expect(verified.verifiedOnChain).to.equal(true);
        }
      } finally {
        restarted.close();
      }
    });

    it("anchors exactly once when the anchor was mined but the process died before recording its receipt", async () => {
      await world.provider.send("evm_setAutomine", [false]);
      let root: string;
      let ids: string[];
      try {
        const crashing = world.open({
          policy: { batchSize: 2, maxAgeMs: 10 * MINUTE },
          receiptTimeoutMs: 300,
        });
        ids = [0, 1].map((n) => recordConfirmation(crashing.deps, confirmation(n)).confirmationId);
        await crashing.outbox.drain();
        root = getConfirmation(crashing.deps, ids[0]!).batch!.root;
        expect(crashing.outbox.byKey(`anchor:${root}:1`)!.status).to.equal("signed");
        crashing.close();
        await world.provider.send("evm_mine", []);
      } finally {
        await world.provider.send("evm_setAutomine", [true]);
      }
      expect(await anchorEvents(root)).to.have.length(1);

      const restarted = world.open({ policy: { batchSize: 2, maxAgeMs: 10 * MINUTE } });
      try {
        await restarted.outbox.reconcile();
        await restarted.outbox.drain();
        expect(restarted.outbox.byKey(`anchor:${root}:1`)!.status).to.equal("confirmed");
        expect(await anchorEvents(root)).to.have.length(1);
        for (const id of ids)
          expect((await verifyConfirmation(restarted.deps, id)).verifiedOnChain).to.equal(true);
      } finally {
        restarted.close();
      }
    });

    it("keeps a batch the chain refused, with the reason, and anchors it once the refusal is lifted and the batch age has passed", async () => {
      const clock = manualClock();
      const gw = world.open({ policy: { batchSize: 2, maxAgeMs: 10 * MINUTE }, now: clock.now });
      const { licences } = world.system;
      try {
        await (await licences.suspendLicence(world.operator.address, REGISTRAR_LICENCE, ZeroHash)).wait();
        const ids = [0, 1].map((n) => recordConfirmation(gw.deps, confirmation(n)).confirmationId);
        await gw.outbox.drain();
        const { root } = getConfirmation(gw.deps, ids[0]!).batch!;
        const refused = listAnchors(gw.deps, { offset: 0, limit: 100 }).anchors.find((a) => a.root === root)!;
        expect(refused).to.include({ state: "failed", errorName: "AnchorUnauthorized", attempts: 1 });
        expect(getConfirmation(gw.deps, ids[0]!).state).to.equal("batched");
        await (await licences.reinstateLicence(world.operator.address, REGISTRAR_LICENCE)).wait();
        clock.advance(10 * MINUTE - 1);
        expect(closeDueBatches(gw.deps)).to.deep.equal([]);
        clock.advance(1);
        expect(closeDueBatches(gw.deps).map((b) => b.root)).to.deep.equal([root]);
        await gw.outbox.drain();
        const anchored = listAnchors(gw.deps, { offset: 0, limit: 100 }).anchors.find(
          (a) => a.root === root,
        )!;
        expect(anchored).to.include({ state: "anchored", errorName: null, attempts: 2 });
        for (const id of ids) expect((await verifyConfirmation(gw.deps, id)).verifiedOnChain).to.equal(true);
        expect(await anchorEvents(root)).to.have.length(1);
      } finally {
        gw.close();
      }
    });
  });

  describe("input and privacy", () => {
    const TABLES = ["confirmations", "anchor_batches", "chain_jobs"];
    const counts = (deps: AnchoringDeps) =>
      TABLES.map((table) => count(deps, `SELECT count(*) FROM ${table}`));

    it("refuses bad input naming the field, and writes nothing", () => {
      const gw = world.open({ policy: { batchSize: 1, maxAgeMs: 10 * MINUTE } });
      try {
        const cases: [
          Partial<RecordConfirmationParams> | Record<string, unknown>,
          number,
          string,
          string?,
        ][] = [
          [{ programmeId: 0 }, 400, "programmeId"],
          [{ programmeId: "1" }, 400, "programmeId"],
          [{ householdRef: "0x1234" }, 400, "householdRef"],
          [{ householdRef: world.householdRefs[0]!.toUpperCase().replace("0X", "0x") }, 400, "householdRef"],
          [{ kind: "redemption" }, 400, "kind"],
          [{ deliveredAt: "yesterday" }, 400, "deliveredAt"],
          [{ deliveredAt: new Date(Date.now() + 3_600_000).toISOString() }, 400, "deliveredAt", "in_future"],
          [{ deliveredAt: "1969-12-31T23:59:59Z" }, 400, "deliveredAt", "too_early"],
          [{ deliveredAt: "0001-01-01T00:00:00Z" }, 400, "deliveredAt", "too_early"],
          [{ evidenceHash: "0xnothex" }, 400, "evidenceHash"],
          [{ recordedBy: "" }, 400, "recordedBy"],
          [{ nationalId: "0012345679" }, 400, "nationalId"],
          [{ programmeId: 999 }, 404, "programmeId", "not_found"],
          [{ householdRef: `0x${"ab".repeat(32)}` }, 404, "householdRef", "not_found"],
        ];
        for (const [overrides, status, field, code] of cases) {
          const before = counts(gw.deps);
          const params = { ...confirmation(0), ...overrides } as RecordConfirmationParams;
          let error: { status?: number; field?: string; code?: string; message?: string } | undefined;
          try {
            recordConfirmation(gw.deps, params);
          } catch (caught) {
            error = caught as typeof error;
          }
          const label = `${JSON.stringify(overrides)} → ${JSON.stringify(error)}`;
          expect(error?.status, label).to.equal(status);
          expect(error?.field, label).to.equal(field);
          if (code) expect(error?.code, label).to.equal(code);
          expect(error?.message, label).to.not.include("0012345679");
          expect(counts(gw.deps), label).to.deep.equal(before);
        }
      } finally {
        gw.close();
      }
    });

    it("answers a repeated idempotency key with the stored confirmation, refuses it with other fields, and keeps keys per recorder", async () => {
      const gw = world.open({ policy: { batchSize: 2, maxAgeMs: 10 * MINUTE } });
      try {
        const upload = confirmation(5, { idempotencyKey: "device-7:visit-0042" });
        const first = recordConfirmation(gw.deps, upload);
        const before = counts(gw.deps);
        const again = recordConfirmation(gw.deps, upload);
        expect(again).to.deep.equal({ ...first, replayed: true });
        expect(counts(gw.deps)).to.deep.equal(before);
        let refused: { status?: number; field?: string; code?: string } | undefined;
        try {
          recordConfirmation(gw.deps, { ...upload, kind: "in_kind_distribution" });
        } catch (error) {
          refused = error as typeof refused;
        }
        expect(refused).to.include({ status: 409, field: "idempotencyKey", code: "idempotency_key_reused" });
        expect(counts(gw.deps)).to.deep.equal(before);
        const otherRecorder = recordConfirmation(gw.deps, { ...upload, recordedBy: "org_field_agent" });
        expect(otherRecorder.confirmationId).to.not.equal(first.confirmationId);
        expect(otherRecorder.state).to.equal("batched");
        await gw.outbox.drain();
        expect(recordConfirmation(gw.deps, upload)).to.deep.equal({
          ...first,
          state: "anchored",
          replayed: true,
        });
      } finally {
        gw.close();
      }
    });

    it("gives equal confirmations different salts and hashes, each recomputable from the fields it returns", async () => {
      const gw = world.open({ policy: { batchSize: 2, maxAgeMs: 10 * MINUTE } });
      try {
        const same = confirmation(4, { evidenceHash: `0x${"5a".repeat(32)}` });
        const [a, b] = [recordConfirmation(gw.deps, same), recordConfirmation(gw.deps, same)];
        expect(a.confirmationHash).to.not.equal(b.confirmationHash);
        await gw.outbox.drain();
        for (const { confirmationId, confirmationHash } of [a, b]) {
          const view = getConfirmation(gw.deps, confirmationId);
          expect(
            confirmationHashOf({
              ...view,
              deliveredAt: new Date(view.deliveredAt),
              recordedBy: view.recordedBy,
            }),
          ).to.equal(confirmationHash);
        }
        const row = JSON.stringify(gw.deps.db.prepare("SELECT * FROM confirmations").all());
        expect(row).to.not.include("0012345679");
      } finally {
        gw.close();
      }
    });

    it("hashes a confirmation as keccak256(abi.encode(...)) of its documented types", () => {
      for (const [n, evidenceHash] of [
        [0, null],
        [1, `0x${"e1".repeat(32)}`],
      ] as const) {
        const fields = {
          salt: `0x${"0f".repeat(31)}${String(n).padStart(2, "0")}`,
          programmeId: 2 ** 40 + n,
          householdRef: world.householdRefs[n]!,
          kind: CONFIRMATION_KINDS[n]!,
          deliveredAt: new Date(1_764_579_600_000 + n * 1000),
          evidenceHash,
          recordedBy: "org_3f9a2c1e",
        };
        const encoded = AbiCoder.defaultAbiCoder().encode(CONFIRMATION_TYPES, [
          fields.salt,
          fields.programmeId,
          fields.householdRef,
          n,
          1_764_579_600 + n,
          evidenceHash ?? ZeroHash,
          keccak256(toUtf8Bytes(fields.recordedBy)),
        ]);
        expect(confirmationHashOf(fields)).to.equal(keccak256(encoded));
      }
    });

    it("builds the contract's tree: an odd node is carried up and a batch of one is its own leaf", () => {
      for (const size of [1, 2, 3, 5, 7, 8, 9]) {
        const hashes = Array.from({ length: size }, (_, i) => toBeHex(BigInt(i + 1) * 7919n, 32));
        const ours = MerkleTree.ofConfirmations(hashes);
        const reference = new ReferenceTree(hashes.map((h) => keccak256(h)));
        expect(ours.root, `size ${size}`).to.equal(reference.root);
        hashes.forEach((_, i) => expect(ours.proof(i)).to.deep.equal(reference.proof(i)));
      }
    });
  });
});
