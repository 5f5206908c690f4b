import { expect } from "chai";
import { recognitionHash, serviceRecognitionHash } from "../../../src/recognition";
import {
  bootE2e,
  closeCurrentMonth,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";
import { runCli as cli } from "../cli/runCli";
import { appointCoordinators, seedTimeBank } from "../timebank/timebankFixture";

/**
 * Hours served count in recognition, on a whole gateway (anvil, SQLite, the indexer on its timer, the outbox):
 * a coordinator's members serve, the services confirmed on chain are read back by the indexer, the month
 * closes with their minutes as leaves of the anchored root, the member's own coordinator puts it on the
 * volunteers' leaderboard and reads its proof, which the chain verifies; nobody else reads or lists it.
 */
describe("recognition: confirmed hours served, anchored with the month's good coin", function () {
  this.timeout(300_000);
  let gw: E2eGateway;
  let coordinator: Organisation;
  let otherCoordinator: Organisation;
  let auditor: Organisation;
  let donor: Organisation;
  let giver: string;
  let recipient: string;
  let month: string;

  before(async () => {
    gw = await bootE2e();
    coordinator = await registerOrganisation(gw, "charity");
    otherCoordinator = await registerOrganisation(gw, "charity");
    auditor = await registerOrganisation(gw, "auditor");
    donor = await registerOrganisation(gw, "donor");
    await appointCoordinators(gw, [coordinator, otherCoordinator]);
    // The giver serves 60 minutes paid by the recipient and 10 paid by the pool; 15 more wait unconfirmed.
    ({ giver, recipient } = await seedTimeBank(gw, coordinator, 760_000));
    await gw.services.outbox.drain();

    ({ month } = await closeCurrentMonth(gw, auditor.apiKey));
    await gw.services.outbox.drain();
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("counts the giver's confirmed minutes, from chain events, as a leaf of the anchored root", async () => {
    const served = gw.services.store.sqlite
      .prepare("SELECT minutes, payer FROM idx_timebank_services ORDER BY minutes DESC")
      .all() as { minutes: number; payer: string }[];
    // Both confirmations were read from the chain: the recipient paid one, the pool (zero) the other.
    expect(served.map((s) => s.minutes)).to.deep.equal([60, 10]);
    expect(served[1]!.payer).to.equal("0x0000000000000000000000000000000000000000");
    const view = await gw.get(`/v1/recognition/periods/${month}`);
    expect(view.status, view.text).to.equal(200);
    // One account: the giver. The recipient served nothing; the unconfirmed service counts for nobody.
    expect(view.body).to.deep.include({ state: "anchored", accounts: 1, leaderboard: [], volunteers: [] });
  });

  it("puts the member on the volunteers' leaderboard at its own coordinator's word only, writing nothing else", async () => {
    const optIn = (org: Organisation, ref: string, body: unknown) =>
      gw
        .http()
        .put(`/v1/timebank/members/${ref}/recognition`)
        .set("Authorization", `Bearer ${org.apiKey}`)
        .send(body as object);
    const optins = () => countRows(gw, "recognition_optins");

    const foreign = await optIn(otherCoordinator, giver, { alias: "Someone" });
    expect(foreign.status, foreign.text).to.equal(404);
    expect(foreign.body.error.field).to.equal("memberRef");
    const asDonor = await optIn(donor, giver, { alias: "Someone" });
    expect(asDonor.status).to.equal(403);
    const bidi = await optIn(coordinator, giver, { alias: "abc\u202Edef" });
    expect(bidi.status, bidi.text).to.equal(400);
    expect(bidi.body.error.field).to.equal("alias");
    const badRef = await optIn(coordinator, "0x1234", { alias: "Someone" });
    expect(badRef.status).to.equal(400);
    expect(badRef.body.error.field).to.equal("memberRef");
    expect(optins()).to.equal(0);

    const opted = await optIn(coordinator, giver, { alias: "Neighbour of Narmak" });
    expect(opted.status, opted.text).to.equal(200);
    const view = await gw.get(`/v1/recognition/periods/${month}`);
    expect(view.body.volunteers).to.deep.equal([
      { rank: 1, alias: "Neighbour of Narmak", minutesServed: 70 },
    ]);
    expect(view.text).to.not.include(giver.slice(2));
    // A member who served nothing may be opted in; it is listed in no month it did not serve.
    expect((await optIn(coordinator, recipient, { alias: "Recipient R" })).status).to.equal(200);
    expect((await gw.get(`/v1/recognition/periods/${month}`)).body.volunteers).to.have.length(1);
    // One pseudonym names one account across donors and members.
    const taken = await gw
      .http()
      .put("/v1/recognition/opt-in")
      .set("Authorization", `Bearer ${donor.apiKey}`)
      .send({ alias: "Neighbour of Narmak" });
    expect(taken.status, taken.text).to.equal(409);
    expect(taken.body.error.code).to.equal("alias_taken");
  });

  it("gives the coordinator the member's proof, which the chain verifies and cannot read as good coin", async () => {
    const proof = await gw.get(`/v1/timebank/members/${giver}/recognition/${month}`, coordinator.apiKey);
    expect(proof.status, proof.text).to.equal(200);
    expect(proof.body).to.include({ kind: "service", account: giver, goodCoin: "70" });
    expect(serviceRecognitionHash(proof.body.periodIndex, giver, 70n)).to.equal(proof.body.confirmationHash);
    const anchor = gw.services.system.anchor;
    expect(
      await anchor.verifyReceipt(proof.body.root, proof.body.confirmationHash, proof.body.proof),
    ).to.equal(true);
    // The same minutes read as a donor's good coin, or one more minute, are not in the root.
    const asGift = recognitionHash(proof.body.periodIndex, giver, 70n);
    expect(await anchor.verifyReceipt(proof.body.root, asGift, proof.body.proof)).to.equal(false);
    const inflated = serviceRecognitionHash(proof.body.periodIndex, giver, 71n);
    expect(await anchor.verifyReceipt(proof.body.root, inflated, proof.body.proof)).to.equal(false);

    // The CLI lists the volunteer and checks the member's proof on chain without trusting the gateway.
    const listed = await cli(["recognition", month], { SINTECH_URL: gw.url });
    expect(listed.code, listed.out).to.equal(0);
    expect(listed.out).to.match(/minutes served\s+volunteer \(opted in\)\n\s+1\s+70\s+Neighbour of Narmak\n/);
    const proved = await cli(
      [
        "recognition",
        month,
        "--proof",
        "--member",
        giver,
        "--rpc",
        `http://127.0.0.1:${gw.anvilPort}`,
        "--anchor",
        String(anchor.target),
      ],
      { SINTECH_URL: gw.url, SINTECH_API_KEY: coordinator.apiKey },
    );
    expect(proved.code, proved.out).to.equal(0);
    expect(proved.out).to.include("70 minutes served").and.include("verified on chain");

    // Another coordinator is told the member does not exist; the recipient served nothing; a donor is refused.
    const foreign = await gw.get(
      `/v1/timebank/members/${giver}/recognition/${month}`,
      otherCoordinator.apiKey,
    );
    expect(foreign.status).to.equal(404);
    expect(foreign.body.error.field).to.equal("memberRef");
    const none = await gw.get(`/v1/timebank/members/${recipient}/recognition/${month}`, coordinator.apiKey);
    expect(none.status).to.equal(404);
    expect(none.body.error.field).to.equal("period");
    expect(
      (await gw.get(`/v1/timebank/members/${giver}/recognition/${month}`, donor.apiKey)).status,
    ).to.equal(403);
  });

  it("takes the member off the leaderboard at its coordinator's word; its minutes stay in the root", async () => {
    const remove = (org: Organisation) =>
      gw
        .http()
        .delete(`/v1/timebank/members/${giver}/recognition`)
        .set("Authorization", `Bearer ${org.apiKey}`);
    expect((await remove(otherCoordinator)).status).to.equal(404);
    expect((await remove(coordinator)).status).to.equal(204);
    expect((await remove(coordinator)).status).to.equal(404);
    const view = await gw.get(`/v1/recognition/periods/${month}`);
    expect(view.body).to.deep.include({ volunteers: [], accounts: 1 });
  });
});
