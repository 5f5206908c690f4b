import { expect } from "chai";
import { Wallet } from "ethers";
import { memberRef, normaliseNationalId } from "../../../src/identity";
import { syntheticNationalId } from "../../../src/identity/synthetic";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";

const PIN = "482913";
const TABLES = ["chain_jobs", "timebank_services", "timebank_members", "timebank_coordinators"] as const;

/**
 * The time bank under concurrent requests and licence changes, over HTTP on a whole gateway (real anvil,
 * SQLite, outbox): two confirmations of one service pay it once; overlapping coordinator batches confirm
 * each service once; one idempotency key sent at once opens one service; one person admitted at once is one
 * member; a coordinator (or its charity) whose licence the regulator suspended acts on nothing; a derived
 * write whose job failed on chain is tried again, not answered with the failure for ever.
 */
describe("timebank: concurrent requests, licences and retries", function () {
  this.timeout(300_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let giver: string;
  let recipient: string;
  let seed = 140_000;
  let step = 0;
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));
  const balanceOf = async (ref: string) =>
    (await gw.get(`/v1/timebank/members/${ref}`, charity.apiKey)).body.balance as number;
  const admit = async (body: Record<string, unknown> = {}) => {
    const res = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId: syntheticNationalId(++seed),
      creditLimit: 600,
      pin: PIN,
      ...body,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.memberRef as string;
  };
  const open = async (minutes: number) => {
    const res = await gw.post("/v1/timebank/services", charity.apiKey, {
      giver,
      recipient,
      minutes,
      category: "care",
      idempotencyKey: `concurrent-${++step}-0000`,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.serviceId as string;
  };
  const byCoordinator = (serviceId: string, payer = "recipient") =>
    gw.post(`/v1/timebank/services/${serviceId}/coordinator-confirmation`, charity.apiKey, { payer });
  const licenceChange = async (org: Organisation, action: string) => {
    const res = await gw.post(`/v1/organisations/${org.orgId}/licence-changes`, gw.regulatorKey, {
      action,
      idempotencyKey: `licence-${action}-${++step}-0000`,
    });
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    const appointed = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId });
    expect(appointed.status, appointed.text).to.equal(201);
    giver = await admit();
    recipient = await admit();
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("a recipient's PIN and the coordinator's confirmation sent at once pay the service once", async () => {
    const deps = gw.services.timebank;
    const fundGas = deps.fundGas;
    try {
      for (let round = 0; round < 3; round++) {
        const [giverBefore, recipientBefore] = [await balanceOf(giver), await balanceOf(recipient)];
        const serviceId = await open(20);
        // Round 0 holds the first request to fund gas (the coordinator's, sent first) until the recipient's
        // PIN confirmation has answered, or for 1.5 s if that confirmation waits for it: the interleaving
        // that paid one service twice. The other rounds run as they come.
        let answered: () => void = () => {};
        const pinAnswered = new Promise<void>((resolve) => (answered = resolve));
        let calls = 0;
        deps.fundGas = async (address) => {
          if (round === 0 && ++calls === 1)
            await Promise.race([pinAnswered, new Promise((resolve) => setTimeout(resolve, 1_500))]);
          return fundGas(address);
        };
        const coordinator = byCoordinator(serviceId);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const pin = gw
          .post(`/v1/timebank/services/${serviceId}/confirmation`, charity.apiKey, { pin: PIN })
          .then((res) => (answered(), res));
        const answers = await Promise.all([coordinator, pin]);
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses, answers.map((answer) => answer.text).join("\n")).to.deep.equal([200, 409]);
        expect(answers.find((answer) => answer.status === 409)!.body.error.code).to.equal("not_open");
        expect(await balanceOf(giver)).to.equal(giverBefore + 20);
        expect(await balanceOf(recipient)).to.equal(recipientBefore - 20);
        const row = gw.services.store.sqlite
          .prepare("SELECT state, confirm_job_id FROM timebank_services WHERE service_id = ?")
          .get(serviceId) as { state: string; confirm_job_id: number };
        expect(row.state).to.equal("confirmed");
        expect(gw.services.outbox.get(row.confirm_job_id)!.status).to.equal("confirmed");
      }
    } finally {
      deps.fundGas = fundGas;
    }
  });

  it("overlapping coordinator batches confirm each service once; the other batch is refused whole", async () => {
    const [s1, s2, s3] = [await open(5), await open(6), await open(7)];
    const recipientBefore = await balanceOf(recipient);
    const batch = (serviceIds: string[]) =>
      gw.post("/v1/timebank/services/coordinator-confirmations", charity.apiKey, {
        serviceIds,
        payer: "recipient",
      });
    const answers = await Promise.all([batch([s1!, s2!]), batch([s2!, s3!])]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses, answers.map((answer) => answer.text).join("\n")).to.deep.equal([200, 409]);
    const won = answers.find((answer) => answer.status === 200)!.body.services as { serviceId: string }[];
    const confirmed = (
      await Promise.all([s1!, s2!, s3!].map((id) => gw.get(`/v1/timebank/services/${id}`, charity.apiKey)))
    )
      .filter((read) => read.body.state === "confirmed")
      .map((read) => read.body.serviceId as string);
    expect(confirmed.sort()).to.deep.equal(won.map((service) => service.serviceId).sort());
    const minutes = { [s1!]: 5, [s2!]: 6, [s3!]: 7 };
    expect(await balanceOf(recipient)).to.equal(
      recipientBefore - confirmed.reduce((sum, id) => sum + minutes[id]!, 0),
    );
    // The refused batch's open service is confirmed by calling again, once.
    const left = [s1!, s3!].find((id) => !confirmed.includes(id))!;
    const again = await byCoordinator(left);
    expect(again.status, again.text).to.equal(200);
    expect(await balanceOf(recipient)).to.equal(recipientBefore - 18);
  });

  it("one idempotency key sent at once opens one service; one person admitted at once is one member", async () => {
    const body = { giver, recipient, minutes: 3, category: "care", idempotencyKey: "concurrent-same-key-01" };
    const opened = await Promise.all(
      [0, 1, 2, 3].map(() => gw.post("/v1/timebank/services", charity.apiKey, body)),
    );
    expect(opened.map((res) => res.status).sort(), opened.map((res) => res.text).join("\n")).to.deep.equal([
      200, 200, 200, 201,
    ]);
    expect(new Set(opened.map((res) => res.body.serviceId)).size).to.equal(1);

    const nationalId = syntheticNationalId(++seed);
    const before = countRows(gw, "timebank_members");
    const admitted = await Promise.all(
      [0, 1].map(() =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId,
          creditLimit: 10,
          wallet: Wallet.createRandom().address,
        }),
      ),
    );
    expect(
      admitted.map((res) => res.status).sort(),
      admitted.map((res) => res.text).join("\n"),
    ).to.deep.equal([201, 409]);
    expect(admitted.find((res) => res.status === 409)!.body.error.code).to.equal("member_exists");
    expect(countRows(gw, "timebank_members")).to.equal(before + 1);
  });

  it("a donation's key sent again with another body is the API's idempotency_key_reused", async () => {
    const donate = (minutes: number) =>
      gw.post(`/v1/timebank/members/${giver}/donations`, charity.apiKey, {
        minutes,
        pin: PIN,
        idempotencyKey: "donation-reused-0001",
      });
    expect((await donate(2)).status).to.equal(201);
    const before = counts();
    const reused = await donate(3);
    expect(reused.status, reused.text).to.equal(409);
    expect(reused.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(counts()).to.deep.equal(before);
  });

  it("a coordinator whose charity licence is suspended acts on nothing until reinstated, and is not appointed again", async () => {
    const serviceId = await open(4);
    await licenceChange(charity, "suspend");
    const before = counts();
    const writes = [
      () =>
        gw.post("/v1/timebank/services", charity.apiKey, {
          giver,
          recipient,
          minutes: 1,
          category: "care",
          idempotencyKey: "suspended-open-0001",
        }),
      () => gw.post(`/v1/timebank/services/${serviceId}/confirmation`, charity.apiKey, { pin: PIN }),
      () => byCoordinator(serviceId),
      () =>
        gw.post(`/v1/timebank/members/${giver}/donations`, charity.apiKey, {
          minutes: 1,
          pin: PIN,
          idempotencyKey: "suspended-give-0001",
        }),
      () => gw.post(`/v1/timebank/members/${recipient}/access`, charity.apiKey, { pin: "582914" }),
      () =>
        gw.post(`/v1/timebank/members/${recipient}/changes`, charity.apiKey, {
          action: "suspend",
          idempotencyKey: "suspended-change-01",
        }),
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(++seed),
          creditLimit: 5,
          pin: PIN,
        }),
    ];
    for (const write of writes) {
      const res = await write();
      expect(res.status, res.text).to.equal(403);
      expect(res.body.error).to.include({ code: "coordinator_licence_inactive" });
    }
    expect(counts()).to.deep.equal(before);
    // The PIN was not tried: the recipient's old PIN still opens its key once reinstated.
    await licenceChange(charity, "reinstate");
    const confirmed = await gw.post(`/v1/timebank/services/${serviceId}/confirmation`, charity.apiKey, {
      pin: PIN,
    });
    expect(confirmed.status, confirmed.text).to.equal(200);

    // A charity whose own licence is suspended is not appointed a coordinator.
    const other = await registerOrganisation(gw, "charity");
    await licenceChange(other, "suspend");
    const refused = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: other.orgId });
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error).to.include({ field: "orgId", code: "charity_licence_inactive" });
    expect(counts()).to.deep.equal({ ...before, chain_jobs: countRows(gw, "chain_jobs") });
    expect(countRows(gw, "timebank_coordinators")).to.equal(before.timebank_coordinators);
  });

  it("an admission whose chain job failed is sent again under the next key, not refused for ever", async () => {
    const nationalId = syntheticNationalId(++seed);
    const ref = memberRef(gw.services.timebank.peppers, normaliseNationalId(nationalId, "nationalId"));
    // A job under the admission's key that the chain refuses (a call the TimeBank reverts).
    const { outbox, system } = gw.services;
    const failed = outbox.enqueue({
      idempotencyKey: `timebank-admit:${ref}`,
      kind: "timebank.admit",
      from: gw.services.operator,
      to: system.timeBank.target as string,
      data: system.timeBank.interface.encodeFunctionData("confirmService", [`0x${"00".repeat(32)}`]),
    });
    await outbox.drain();
    expect(outbox.get(failed.jobId)!.status).to.equal("failed");
    const res = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId,
      creditLimit: 5,
      pin: PIN,
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.memberRef).to.equal(ref);
    expect(outbox.byKey(`timebank-admit:${ref}#after-${failed.jobId}`)!.status).to.equal("confirmed");
  });

  it("rows follow the chain: a confirmation whose job failed later is open again, a log left without its id is finished", async () => {
    const db = gw.services.store.sqlite;
    const row = (serviceId: string) =>
      db.prepare("SELECT * FROM timebank_services WHERE service_id = ?").get(serviceId) as Record<
        string,
        unknown
      >;
    // Confirmed by PIN, then its job failed after the request ended (as the outbox records a job refused
    // after a restart): the service reads as open, and confirms again.
    const first = await open(2);
    const confirmed = await gw.post(`/v1/timebank/services/${first}/confirmation`, charity.apiKey, {
      pin: PIN,
    });
    expect(confirmed.status, confirmed.text).to.equal(200);
    const giverBefore = await balanceOf(giver);
    db.prepare("UPDATE chain_jobs SET status = 'failed' WHERE job_id = ?").run(row(first).confirm_job_id);
    const read = await gw.get(`/v1/timebank/services/${first}`, charity.apiKey);
    expect(read.body).to.include({ state: "open", confirmedBy: null, chainServiceId: null });
    expect(read.body.confirmation.message.nonce).to.be.a("number");

    // Logged in the gateway's transaction, then the process stopped before the log was sent and its id kept:
    // the coordinator's next call sends it, reads the id from its event, and confirms (a 500 before).
    const second = await open(3);
    const { outbox, system } = gw.services;
    const wallets = db
      .prepare("SELECT member_ref, wallet FROM timebank_members WHERE member_ref IN (?, ?)")
      .all(giver, recipient) as { member_ref: string; wallet: string }[];
    const walletOf = (ref: string) => wallets.find((w) => w.member_ref === ref)!.wallet;
    const log = outbox.enqueue({
      idempotencyKey: `timebank-service:${second}:log`,
      kind: "timebank.log_service",
      from: walletOf(giver),
      to: system.timeBank.target as string,
      data: system.timeBank.interface.encodeFunctionData("logService", [
        walletOf(recipient),
        3,
        0,
        `0x${"00".repeat(32)}`,
      ]),
    });
    db.prepare("UPDATE timebank_services SET state = 'logged', log_job_id = ? WHERE service_id = ?").run(
      log.jobId,
      second,
    );
    const finished = await byCoordinator(second);
    expect(finished.status, finished.text).to.equal(200);
    expect(finished.body).to.include({ state: "confirmed", confirmedBy: "coordinator" });
    expect(finished.body.chainServiceId).to.match(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(giver)).to.equal(giverBefore + 3);
  });

  it("a removed member's PIN or phone is not set again", async () => {
    const member = await admit();
    const removed = await gw.post(`/v1/timebank/members/${member}/changes`, charity.apiKey, {
      action: "remove",
      idempotencyKey: "remove-member-00001",
    });
    expect(removed.status, removed.text).to.equal(200);
    const before = countRows(gw, "access_secrets");
    const res = await gw.post(`/v1/timebank/members/${member}/access`, charity.apiKey, {
      pin: "582914",
      phone: "09135550000",
    });
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error).to.include({ field: "memberRef", code: "member_removed" });
    expect(countRows(gw, "access_secrets")).to.equal(before);
    expect(
      gw.services.store.sqlite.prepare("SELECT 1 FROM timebank_vault WHERE member_ref = ?").get(member),
    ).to.equal(undefined);
  });
});
