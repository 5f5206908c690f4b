import { expect } from "chai";
import { indexOnce } from "../../../src/indexer";
import { removeDataDir } from "../e2e/harness";
import { currentPeriod, mandateWorld, PIN, proposalBody, textsTo, type MandateWorld } from "./mandateFixture";

/**
 * The chain moves between the gateway's check and the block: a member revokes on chain with its own wallet while
 * two premiums wait in one redeemBatch. Each premium ends on its own; the refused one reads plainly (revoked),
 * holds nothing, and its household is not told it is insured; the other is redeemed and its household told.
 */
describe("mandates: a premium the chain refuses in a batch after the gateway's check", function () {
  this.timeout(300_000);
  let world: MandateWorld;

  before(async () => {
    world = await mandateWorld(2, 670_001);
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  it("refuses the revoked mandate's premium by its own outcome, redeems the other, and tells only that household", async () => {
    const { gw, insurer, households, phoneWallet } = world;
    const period = await currentPeriod(world);
    const ids: string[] = [];
    for (const index of [0, 1]) {
      const proposed = await gw.post(
        "/v1/mandates",
        insurer.apiKey,
        proposalBody(world, index, period, period + 3),
      );
      expect(proposed.status, proposed.text).to.equal(201);
      const proof =
        index === 0
          ? {
              signature: await phoneWallet.signTypedData(
                proposed.body.typedData.domain,
                proposed.body.typedData.types,
                proposed.body.typedData.message,
              ),
            }
          : { pin: PIN };
      const accepted = await gw.post(
        `/v1/mandates/${proposed.body.mandateId}/acceptance`,
        insurer.apiKey,
        proof,
      );
      expect(accepted.status, accepted.text).to.equal(200);
      ids.push(proposed.body.mandateId);
    }
    const chainId = (await gw.get(`/v1/mandates/${ids[0]}`, insurer.apiKey)).body.chainMandateId as string;

    // The batch is checked and queued, but not sent yet.
    const outbox = gw.services.outbox;
    const drain = outbox.drain.bind(outbox);
    outbox.drain = () => Promise.resolve([]);
    const queued = await gw.post("/v1/mandates/premiums", insurer.apiKey, {
      premiums: ids.map((mandateId) => ({ mandateId })),
      idempotencyKey: "refused-on-chain-0001",
    });
    expect(queued.status, queued.text).to.equal(201);
    // Household 0's head revokes from its own wallet, straight on chain, before the batch is mined.
    const provider = gw.services.provider;
    await provider.send("anvil_setBalance", [phoneWallet.address, "0xde0b6b3a7640000"]);
    const mandates = gw.services.system.mandates.connect(phoneWallet.connect(provider));
    await (await mandates.revokeMandate(chainId, households[0]!.headRef)).wait();
    outbox.drain = drain;
    await outbox.drain();

    // The redeemed one's notice is marked with the confirmation and sent by the gateway's own tick.
    const read = (id: string) => gw.get(`/v1/mandates/${id}`, insurer.apiKey);
    const deadline = Date.now() + 15_000;
    while ((await read(ids[1]!)).body.premiums[0].notice !== "sent" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const [revoked, kept] = await Promise.all(ids.map(read));
    const texted = [0, 1].map((index) =>
      textsTo(gw, households[index]!.phone).filter((t) => t.includes("insured")),
    );
    expect(revoked!.body.premiums).to.have.length(1);
    expect(revoked!.body.premiums[0]).to.deep.include({
      period,
      state: "refused",
      redemption: null,
      notice: "waiting",
    });
    expect(revoked!.body.premiums[0].refusal.code).to.equal("mandate_revoked");
    expect(revoked!.body.premiums[0].refusal.message).to.match(/ReceiptSignatureInvalid.*revoked/);
    expect(kept!.body.premiums[0]).to.deep.include({ period, state: "redeemed", notice: "sent" });
    expect(texted[0]).to.deep.equal([]);
    expect(texted[1]).to.have.length(1);
    // Tried again, the premium is refused as the chain now refuses it, and nothing used the nonce.
    const again = await gw.post(`/v1/mandates/${ids[0]}/premiums`, insurer.apiKey, {
      idempotencyKey: "refused-on-chain-0002",
    });
    expect(again.status, again.text).to.equal(409);
    expect(again.body.error.code).to.equal("mandate_revoked");
    const ledger = gw.services.system.ledger;
    const used = await ledger.receiptNoncesUsed(world.programmeId, households[0]!.householdRef, period);
    expect((Number(used) >>> 31) & 1).to.equal(0);
  });

  it("follows the revocation the member's wallet sent on chain into the mandate's row once the indexer reads it", async () => {
    const { gw, insurer, households } = world;
    const revokedId = (await gw.get("/v1/mandates?limit=10", insurer.apiKey)).body.mandates.find(
      (m: { premiums: { state: string }[] }) => m.premiums[0]?.state === "refused",
    ).mandateId as string;
    let step = await indexOnce(gw.services.indexer);
    while (!step.caughtUp) step = await indexOnce(gw.services.indexer);
    const revokedTx = gw.services.store.sqlite
      .prepare("SELECT tx_hash FROM idx_mandate_revocations")
      .pluck()
      .all() as string[];
    expect(revokedTx).to.have.length(1);

    const read = await gw.get(`/v1/mandates/${revokedId}`, insurer.apiKey);
    expect(read.body.state).to.equal("revoked");
    expect(read.body.revocation).to.deep.equal({
      channel: "chain",
      by: households[0]!.headRef,
      txHash: revokedTx[0],
    });
    expect(read.body.revocationTypedData).to.equal(null);
    const listed = await gw.get("/v1/mandates?state=revoked", insurer.apiKey);
    expect(listed.body.mandates.map((m: { mandateId: string }) => m.mandateId)).to.deep.equal([revokedId]);
    const active = await gw.get("/v1/mandates?state=accepted", insurer.apiKey);
    expect(active.body.mandates.map((m: { mandateId: string }) => m.mandateId)).to.not.include(revokedId);

    // Revoking it again through the gateway is refused before any write: no job, no transaction.
    const jobs = () => gw.services.store.sqlite.prepare("SELECT count(*) FROM chain_jobs").pluck().get();
    const before = jobs();
    const again = await gw.post(`/v1/mandates/${revokedId}/revocation`, insurer.apiKey, { pin: PIN });
    expect(again.status, again.text).to.equal(409);
    expect(again.body.error).to.deep.include({ field: "mandateId", code: "already_revoked" });
    expect(jobs()).to.equal(before);
  });
});
