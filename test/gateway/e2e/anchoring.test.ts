import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  createProgramme,
  householdBody,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

const TABLES = ["confirmations", "anchor_batches", "chain_jobs"] as const;
const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");

/** Runs the real CLI in its own process. */
function sintech(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Off-chain confirmations through the API on the embedded chain: recorded by a programme's charity or a
 * field agent, closed into a batch by the gateway's own timer (batches of at most 100, closed at 1 s),
 * anchored through the outbox, and verified on chain; who reads what; bad input writes nothing.
 */
describe("e2e: confirmations anchored in Merkle batches", function () {
  this.timeout(180_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  let agent: Organisation;
  let otherAgent: Organisation;
  let auditor: Organisation;
  let vendor: Organisation;
  let programmeId: number;
  let householdRef: string;
  const nationalId = syntheticNationalId(930_001);

  const counts = () => TABLES.map((table) => countRows(gw, table));
  const body = (overrides: Record<string, unknown> = {}) => ({
    programmeId,
    householdRef,
    kind: "in_kind_distribution",
    deliveredAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides,
  });

  /** Reads the confirmation until its batch's anchor is confirmed (the timers close and send it). */
  async function untilAnchored(confirmationId: string, key: string, on: E2eGateway = gw) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await on.get(`/v1/confirmations/${confirmationId}?verify=true`, key);
      expect(res.status, res.text).to.equal(200);
      if (res.body.state === "anchored" || Date.now() > deadline) return res;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_ANCHOR_BATCH_SIZE: "100", SINTECH_ANCHOR_BATCH_SECONDS: "1" } });
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    agent = await registerOrganisation(gw, "field_agent");
    otherAgent = await registerOrganisation(gw, "field_agent");
    auditor = await registerOrganisation(gw, "auditor");
    vendor = await registerOrganisation(gw, "vendor");
    programmeId = await createProgramme(gw, charity);
    const household = await gw.post("/v1/households", charity.apiKey, householdBody([nationalId]));
    expect(household.status, household.text).to.equal(201);
    householdRef = household.body.householdRef;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("records a charity's confirmation, anchors it by age and returns a proof the contract accepts", async () => {
    const res = await gw.post("/v1/confirmations", charity.apiKey, body());
    expect(res.status, res.text).to.equal(201);
    expect(res.body.state).to.equal("pending");
    expect(res.headers.location).to.equal(`/v1/confirmations/${res.body.confirmationId}`);

    const anchored = await untilAnchored(res.body.confirmationId, charity.apiKey);
    expect(anchored.body).to.include({
      state: "anchored",
      confirmationHash: res.body.confirmationHash,
      householdRef,
      recordedBy: charity.orgId,
      verifiedOnChain: true,
    });
    const { root, proof, txHash, blockNumber } = anchored.body.batch;
    const receipt = await gw.services.provider.getTransactionReceipt(txHash);
    expect(receipt!.blockNumber).to.equal(blockNumber);
    expect(await gw.services.system.anchor.verifyReceipt(root, res.body.confirmationHash, proof)).to.equal(
      true,
    );

    const list = await gw.get("/v1/anchors", auditor.apiKey);
    expect(list.status, list.text).to.equal(200);
    expect((list.body.anchors as { root: string }[]).map((a) => a.root)).to.include(root);
    const one = await gw.get(`/v1/anchors/${root}`, gw.regulatorKey);
    expect(one.status, one.text).to.equal(200);
    expect(one.body).to.include({ root, state: "anchored", txHash });
    expect(one.body.onChain.count).to.equal(one.body.count);
    expect(one.body.onChain.anchoredAt).to.be.a("string");
  });

  it("lets a field agent record for any programme, and shows each confirmation only to its programme's charity, its recorder, auditors and the regulator", async () => {
    const res = await gw.post("/v1/confirmations", agent.apiKey, body({ kind: "service_visit" }));
    expect(res.status, res.text).to.equal(201);
    const path = `/v1/confirmations/${res.body.confirmationId}`;
    for (const [key, status] of [
      [agent.apiKey, 200],
      [charity.apiKey, 200],
      [auditor.apiKey, 200],
      [gw.regulatorKey, 200],
      [otherAgent.apiKey, 404],
      [otherCharity.apiKey, 404],
      [vendor.apiKey, 404],
    ] as const) {
      const read = await gw.get(path, key);
      expect(read.status, read.text).to.equal(status);
      if (status === 404)
        expect(read.body.error).to.include({ name: "NotFoundError", field: "confirmationId" });
      else expect(read.body).to.include({ kind: "service_visit", recordedBy: agent.orgId });
    }
  });

  it("answers an upload repeated with its idempotency key once (200 replayed), and 409 for the key with other fields", async () => {
    const upload = body({ idempotencyKey: "tablet-3:distribution-0001" });
    const first = await gw.post("/v1/confirmations", agent.apiKey, upload);
    expect(first.status, first.text).to.equal(201);
    const before = counts();
    const again = await gw.post("/v1/confirmations", agent.apiKey, upload);
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ confirmationId: first.body.confirmationId, replayed: true });
    const other = await gw.post("/v1/confirmations", agent.apiKey, { ...upload, kind: "service_visit" });
    expect(other.status, other.text).to.equal(409);
    expect(other.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(counts()).to.deep.equal(before);
  });

  it("refuses another charity's programme (403 not_your_programme), writing nothing", async () => {
    const before = counts();
    const res = await gw.post("/v1/confirmations", otherCharity.apiKey, body());
    expect(res.status, res.text).to.equal(403);
    expect(res.body.error).to.include({
      name: "ForbiddenError",
      field: "programmeId",
      code: "not_your_programme",
    });
    expect(counts()).to.deep.equal(before);
  });

  it("refuses bad input with a 4xx naming the field, writing nothing and echoing nothing", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ programmeId: undefined }, 400, "programmeId"],
      [{ householdRef: "0x12" }, 400, "householdRef"],
      [{ kind: "redemption" }, 400, "kind"],
      [{ deliveredAt: "2026-13-40" }, 400, "deliveredAt"],
      [{ deliveredAt: new Date(Date.now() + 86_400_000).toISOString() }, 400, "deliveredAt"],
      [{ evidenceHash: "0x" }, 400, "evidenceHash"],
      [{ nationalId }, 400, "nationalId"],
      [{ programmeId: 987_654 }, 404, "programmeId"],
      [{ householdRef: `0x${"cd".repeat(32)}` }, 404, "householdRef"],
    ];
    for (const [overrides, status, field] of cases) {
      for (const key of [charity.apiKey, agent.apiKey]) {
        const before = counts();
        const res = await gw.post("/v1/confirmations", key, body(overrides));
        const label = `${JSON.stringify(overrides)}: ${res.text}`;
        expect(res.status, label).to.equal(status);
        expect(res.body.error.field, label).to.equal(field);
        expect(res.text, label).to.not.include(nationalId);
        expect(counts(), label).to.deep.equal(before);
      }
    }
    for (const [path, field] of [
      ["/v1/confirmations/cnf_nope", "confirmationId"],
      [`/v1/confirmations/cnf_00000000-0000-4000-8000-000000000000?verify=yes`, "verify"],
      ["/v1/anchors/0x1234", "root"],
      ["/v1/anchors?limit=0", "limit"],
    ]) {
      const res = await gw.get(path, auditor.apiKey);
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error.field).to.equal(field);
    }
    const unknown = await gw.get(`/v1/anchors/0x${"ef".repeat(32)}`, auditor.apiKey);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.field).to.equal("root");
    expect(gw.logLines.join("\n")).to.not.include(nationalId);
  });

  it("records with `sintech confirm` and checks the proof on chain with `sintech verify`", async function () {
    const env = { SINTECH_URL: gw.url, SINTECH_API_KEY: agent.apiKey };
    const confirm = await sintech(["confirm", String(programmeId), householdRef, "service_visit"], env);
    expect(confirm.code, confirm.stderr).to.equal(0);
    const [confirmationId, confirmationHash, state] = confirm.stdout.trim().split(" ");
    expect(confirmationId).to.match(/^cnf_/);
    expect(confirmationHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(state).to.equal("pending");
    expect((await untilAnchored(confirmationId!, agent.apiKey)).body.state).to.equal("anchored");
    const verify = await sintech(["verify", confirmationId!], env);
    expect(verify.code, verify.stderr).to.equal(0);
    expect(JSON.parse(verify.stdout)).to.include({ confirmationHash, verifiedOnChain: true });
    const unknown = await sintech(["verify", "cnf_00000000-0000-4000-8000-000000000000"], env);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include("No confirmation has this id");
  });

  it("loses nothing pending across a restart: confirmations recorded before a stop are anchored after it, once", async () => {
    const first = await bootE2e({
      env: { SINTECH_ANCHOR_BATCH_SIZE: "100", SINTECH_ANCHOR_BATCH_SECONDS: "86400" },
    });
    const restartEnv = { SINTECH_ANCHOR_BATCH_SIZE: "100", SINTECH_ANCHOR_BATCH_SECONDS: "1" };
    let second: E2eGateway | undefined;
    try {
      const org = await registerOrganisation(first, "charity");
      const programme = await createProgramme(first, org);
      const household = await first.post(
        "/v1/households",
        org.apiKey,
        householdBody([syntheticNationalId(930_101)]),
      );
      expect(household.status, household.text).to.equal(201);
      const ids: string[] = [];
      for (const kind of ["in_kind_distribution", "service_visit", "service_visit"]) {
        const res = await first.post("/v1/confirmations", org.apiKey, {
          programmeId: programme,
          householdRef: household.body.householdRef,
          kind,
          deliveredAt: new Date(Date.now() - 60_000).toISOString(),
        });
        expect(res.status, res.text).to.equal(201);
        ids.push(res.body.confirmationId);
      }
      await first.stop();
      second = await bootE2e({
        dataDir: first.dataDir,
        anvilPort: first.anvilPort,
        regulatorKey: first.regulatorKey,
        env: restartEnv,
      });
      for (const id of ids) {
        const res = await untilAnchored(id, org.apiKey, second);
        expect(res.body.verifiedOnChain, res.text).to.equal(true);
      }
      const roots = second.services.store.sqlite.prepare("SELECT root, count FROM anchor_batches").all();
      expect(roots).to.have.length(1);
      expect(roots[0]).to.include({ count: 3 });
      const events = await second.services.system.anchor.queryFilter(
        second.services.system.anchor.filters.ReceiptsAnchored((roots[0] as { root: string }).root),
      );
      expect(events).to.have.length(1);
    } finally {
      await second?.stop();
      removeDataDir(first.dataDir);
    }
  });
});
