import { expect } from "chai";
import { join } from "node:path";
import { Wallet, parseUnits, toQuantity } from "ethers";
import { ChainOutbox } from "../../../src/chain/outbox";
import { startLocalChain } from "../../../src/chain/localChain";
import { createProvider } from "../../../src/chain/provider";
import { openSqliteStore } from "../../../src/db";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import { contractInterfaces } from "../../../src/main/contractInterfaces";
import { TestSettlementToken__factory } from "../../../typechain-types";
import {
  allBlocks,
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  householdBody,
  idsByHousehold,
  importSample,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

const token = TestSettlementToken__factory.createInterface();

describe("e2e: restart on the same data folder", () => {
  let gw: E2eGateway;
  let running = false;
  let charity: Organisation;
  let donor: Organisation;
  let auditor: Organisation;
  let programmeId: number;
  let disbursementId: string;
  let importId: string;
  const sample = sampleHouseholdsCsv({ households: 8, seed: 13, firstIdSeed: 90_000, maxMembers: 3 });
  const heads = idsByHousehold(sample).map((household) => household[0]!);
  const householdRefs: string[] = [];
  /** What the API said before the stop, to compare with after the restart. */
  const snapshot: Record<string, unknown> = {};
  /** The writes interrupted by the stop: one signed but never broadcast, one only queued. */
  const interrupted = {
    signer: Wallet.createRandom(),
    signedRecipient: Wallet.createRandom().address,
    queuedRecipient: Wallet.createRandom().address,
    signedJob: 0,
    queuedJob: 0,
    signedHash: "",
  };

  const sql = <T>(query: string, ...params: unknown[]) =>
    gw.services.store.sqlite.prepare(query).get(...params) as T;

  before(async () => {
    gw = await bootE2e();
    running = true;
  });
  after(async () => {
    if (running) await gw.stop();
    removeDataDir(gw.dataDir);
  });

  it("runs a round before the stop: enrol, register, programme, gift, disburse", async () => {
    charity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    auditor = await registerOrganisation(gw, "auditor");
    const enrolled = await gw.post(
      "/v1/households",
      charity.apiKey,
      householdBody([syntheticNationalId(91_000)]),
    );
    expect(enrolled.status).to.equal(201);
    householdRefs.push(enrolled.body.householdRef);
    const imported = await importSample(gw, charity.apiKey, sample);
    importId = imported.importId;
    householdRefs.push(...imported.householdRefs);
    expect(await registerOnChain(gw, charity.apiKey)).to.include({ registered: 9 });
    await mintTokens(gw, donor.address, "100000000");
    programmeId = await createProgramme(gw, charity);
    await give(gw, donor, programmeId, "20000000");
    const dsb = await settle(
      gw,
      charity.apiKey,
      await gw.postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        disbursementCsv(heads.slice(0, 5).map((id) => [id, "1500000"] as const)),
        "restart-dsb-1",
      ),
    );
    expect(dsb.status, dsb.text).to.equal(202);
    expect(dsb.body.counts.issued).to.equal(5);
    disbursementId = dsb.body.disbursementId;

    snapshot.programme = (await gw.get(`/v1/programmes/${programmeId}`, donor.apiKey)).body;
    snapshot.programmes = (await gw.get("/v1/programmes", auditor.apiKey)).body;
    snapshot.disbursement = (await gw.get(`/v1/disbursements/${disbursementId}`, charity.apiKey)).body;
    snapshot.import = (await gw.get(`/v1/households/imports/${importId}`, charity.apiKey)).body;
    snapshot.organisations = (await gw.get("/v1/organisations", gw.regulatorKey)).body;
    snapshot.households = await Promise.all(
      householdRefs.map(async (ref) => (await gw.get(`/v1/households/${ref}`, charity.apiKey)).body),
    );
    expect((snapshot.programme as { funds: unknown }).funds).to.deep.include({
      given: "20000000",
      outstanding: "7500000",
      available: "12500000",
    });
  });

  it("leaves one chain write signed but not broadcast and one only queued when the process stops", async () => {
    await gw.stop();
    running = false;
    // The crash window between recording the signed bytes and broadcasting them, reproduced on the same
    // chain and database with the gateway down: the outbox's test hook stops the run right after signing.
    const chain = await startLocalChain({ dataDir: gw.dataDir, port: gw.anvilPort });
    const provider = createProvider(chain.url, 31337);
    const store = openSqliteStore(join(gw.dataDir, "gateway.db"));
    try {
      await provider.send("anvil_setBalance", [interrupted.signer.address, toQuantity(10n ** 18n)]);
      const outbox = new ChainOutbox({
        db: store.sqlite,
        provider,
        signers: new Map([[interrupted.signer.address.toLowerCase(), interrupted.signer]]),
        interfaces: contractInterfaces(),
        afterSign: () => {
          throw new Error("process died after signing");
        },
      });
      const settlementToken = gw.services.settlementToken;
      const signed = outbox.enqueue({
        idempotencyKey: "restart:signed-mint",
        kind: "token.mint",
        from: interrupted.signer.address,
        to: settlementToken,
        data: token.encodeFunctionData("mint", [interrupted.signedRecipient, parseUnits("7", 18)]),
      });
      let died: unknown;
      await outbox.drain().catch((error: unknown) => (died = error));
      expect(String(died)).to.include("process died after signing");
      const queued = outbox.enqueue({
        idempotencyKey: "restart:queued-mint",
        kind: "token.mint",
        from: gw.services.operator,
        to: settlementToken,
        data: token.encodeFunctionData("mint", [interrupted.queuedRecipient, parseUnits("11", 18)]),
      });
      const signedJob = outbox.get(signed.jobId)!;
      expect(signedJob.status).to.equal("signed");
      expect(outbox.get(queued.jobId)!.status).to.equal("queued");
      expect(await provider.getTransactionReceipt(signedJob.txHash!)).to.equal(null);
      Object.assign(interrupted, {
        signedJob: signed.jobId,
        queuedJob: queued.jobId,
        signedHash: signedJob.txHash,
      });
    } finally {
      store.close();
      provider.destroy();
      await chain.stop();
    }
  });

  it("boots again on the same data folder and anvil port and resumes the interrupted writes", async () => {
    const regulatorKey = gw.regulatorKey;
    gw = await bootE2e({
      dataDir: gw.dataDir,
      anvilPort: gw.anvilPort,
      logLines: gw.logLines,
      responses: gw.responses,
      regulatorKey,
    });
    running = true;
    const resumed = gw.logLines
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === "resumed queued chain writes");
    expect(resumed.map((line) => line.jobs)).to.deep.equal([2]);
    expect(gw.services.outbox.pendingCount()).to.equal(0);
    // Nothing was deployed again: the contracts are the ones of the first boot.
    expect(gw.logLines.filter((line) => line.includes('"contracts deployed"'))).to.have.length(1);
  });

  it("still accepts every API key issued before the stop", async () => {
    for (const [key, path] of [
      [gw.regulatorKey, "/v1/organisations"],
      [charity.apiKey, `/v1/disbursements/${disbursementId}`],
      [donor.apiKey, `/v1/programmes/${programmeId}`],
      [auditor.apiKey, "/v1/programmes"],
    ] as const) {
      const res = await gw.get(path, key);
      expect(res.status, path).to.equal(200);
    }
    expect((await gw.get("/v1/programmes", "not-a-key")).status).to.equal(401);
  });

  it("still has the programme, its funds on chain, and the organisations", async () => {
    expect((await gw.get(`/v1/programmes/${programmeId}`, donor.apiKey)).body).to.deep.equal(
      snapshot.programme,
    );
    expect((await gw.get("/v1/programmes", auditor.apiKey)).body).to.deep.equal(snapshot.programmes);
    expect((await gw.get("/v1/organisations", gw.regulatorKey)).body).to.deep.equal(snapshot.organisations);
  });

  it("still has the households, their import report and their on-chain registrations", async () => {
    const households = await Promise.all(
      householdRefs.map(async (ref) => (await gw.get(`/v1/households/${ref}`, charity.apiKey)).body),
    );
    expect(households).to.deep.equal(snapshot.households);
    expect((await gw.get(`/v1/households/imports/${importId}`, charity.apiKey)).body).to.deep.equal(
      snapshot.import,
    );
    for (const household of households) {
      const head = household.members[0];
      expect(head.chainStatus).to.equal("registered");
      const [wallet, status] = await gw.services.system.registry.beneficiary(head.beneficiaryRef);
      expect(wallet.toLowerCase()).to.equal(head.wallet);
      expect(status).to.equal(1n);
    }
    // The same person is still known: enrolling them again is refused.
    const again = await gw.post(
      "/v1/households",
      charity.apiKey,
      householdBody([syntheticNationalId(91_000)]),
    );
    expect(again.status).to.equal(409);
  });

  it("still has the disbursement, and answers its Idempotency-Key again without a chain write", async () => {
    expect((await gw.get(`/v1/disbursements/${disbursementId}`, charity.apiKey)).body).to.deep.equal(
      snapshot.disbursement,
    );
    const jobs = countRows(gw, "chain_jobs");
    const block = await gw.services.provider.getBlockNumber();
    const res = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv(heads.slice(0, 5).map((id) => [id, "1500000"] as const)),
      "restart-dsb-1",
    );
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ...(snapshot.disbursement as object), replayed: true });
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    expect(await gw.services.provider.getBlockNumber()).to.equal(block);
  });

  it("completed each interrupted chain write exactly once", async () => {
    const { provider, settlementToken } = gw.services;
    const signed = sql<{ status: string; tx_hash: string }>(
      "SELECT status, tx_hash FROM chain_jobs WHERE job_id = ?",
      interrupted.signedJob,
    );
    const queued = sql<{ status: string; tx_hash: string }>(
      "SELECT status, tx_hash FROM chain_jobs WHERE job_id = ?",
      interrupted.queuedJob,
    );
    expect(signed.status).to.equal("confirmed");
    expect(queued.status).to.equal("confirmed");
    // The signed bytes were broadcast as recorded, not signed again.
    expect(signed.tx_hash).to.equal(interrupted.signedHash);
    expect((await provider.getTransactionReceipt(signed.tx_hash))!.status).to.equal(1);
    expect(await provider.getTransactionCount(interrupted.signer.address)).to.equal(1);

    const erc20 = TestSettlementToken__factory.connect(settlementToken, provider);
    expect(await erc20.balanceOf(interrupted.signedRecipient)).to.equal(parseUnits("7", 18));
    expect(await erc20.balanceOf(interrupted.queuedRecipient)).to.equal(parseUnits("11", 18));
    const mints = (await allBlocks(gw))
      .flatMap((block) => block.transactions)
      .filter((tx) => tx.to?.toLowerCase() === settlementToken.toLowerCase())
      .map((tx) => tx.input);
    for (const recipient of [interrupted.signedRecipient, interrupted.queuedRecipient]) {
      const needle = recipient.slice(2).toLowerCase();
      expect(mints.filter((input) => input.toLowerCase().includes(needle))).to.have.length(1);
    }
  });

  it("keeps working after the restart: a new disbursement is signed and issued with the charity's stored key", async () => {
    const res = await settle(
      gw,
      charity.apiKey,
      await gw.postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        disbursementCsv(heads.slice(5).map((id) => [id, "1000000"] as const)),
        "restart-dsb-2",
      ),
    );
    expect(res.status, res.text).to.equal(202);
    expect(res.body.counts.issued).to.equal(heads.length - 5);
    const programme = (await gw.get(`/v1/programmes/${programmeId}`, donor.apiKey)).body;
    expect(programme.funds.outstanding).to.equal(String(7_500_000 + (heads.length - 5) * 1_000_000));
  });
});
