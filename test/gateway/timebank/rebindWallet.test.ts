import { expect } from "chai";
import { getAddress, Wallet } from "ethers";
import { indexOnce } from "../../../src/indexer";
import { walletProofMessage } from "../../../src/timebank";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
  untilIndexed,
} from "../e2e/harness";
import {
  admitMember,
  appointCoordinators,
  refusedWritingNothing,
  seedTimeBank,
  TIMEBANK_PIN,
} from "./timebankFixture";
import { syntheticNationalId } from "../../../src/identity";

const TABLES = ["chain_jobs", "timebank_members", "keys", "access_secrets", "timebank_vault"] as const;

/**
 * A member moved to a new wallet through the gateway, on a whole gateway (anvil, SQLite, outbox, indexer): its
 * whole account moves on chain and the old wallet is left removed; to a new custodial key its PIN still works;
 * to its own wallet only with that wallet's proof, and its PIN and phone are forgotten; the same key answers the
 * same move; every refusal writes nothing (no job, no key, no row).
 */
describe("timebank: a member moved to a new wallet (rebindWallet through the gateway)", function () {
  this.timeout(300_000);
  let gw: E2eGateway;
  let coordinator: Organisation;
  let other: Organisation;
  let giver: string;
  let recipient: string;
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));
  const rebind = (org: Organisation, ref: string, body: Record<string, unknown>) =>
    gw.post(`/v1/timebank/members/${ref}/wallet-rebinding`, org.apiKey, body);
  const member = async (ref: string) =>
    (await gw.get(`/v1/timebank/members/${ref}`, coordinator.apiKey)).body;
  const proof = async (
    ref: string,
    signer: Pick<Wallet, "address" | "signMessage">,
    deadline = Math.floor(Date.now() / 1000) + 600,
  ) => ({
    wallet: signer.address,
    deadline,
    signature: await signer.signMessage(
      walletProofMessage(gw.services.timebank, ref, signer.address, deadline),
    ),
  });

  before(async () => {
    gw = await bootE2e();
    coordinator = await registerOrganisation(gw, "charity");
    other = await registerOrganisation(gw, "charity");
    await appointCoordinators(gw, [coordinator, other]);
    // The giver earned 70 minutes and donated 25: balance 45. The recipient paid 60: balance -60.
    ({ giver, recipient } = await seedTimeBank(gw, coordinator, 870_000));
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("moves a custodial member's whole account to a new custodial key, the old wallet left removed, its PIN still working", async () => {
    const timeBank = gw.services.system.timeBank;
    const before = await member(giver);
    const oldAccount = await timeBank.accountOf(before.wallet);
    const keys = countRows(gw, "keys");
    const moved = await rebind(coordinator, giver, { idempotencyKey: "rebind-giver-0001" });
    expect(moved.status, moved.text).to.equal(200);
    expect(moved.body).to.include({ custody: "custodial", status: "active", balance: 45, creditLimit: 120 });
    expect(moved.body.wallet).to.not.equal(before.wallet);
    expect(countRows(gw, "keys")).to.equal(keys + 1);
    // On chain: the account moved whole; the old wallet holds nothing and is removed.
    const account = await timeBank.accountOf(moved.body.wallet);
    expect(account.balance).to.equal(oldAccount.balance);
    expect(account.nonce).to.equal(oldAccount.nonce);
    const left = await timeBank.accountOf(before.wallet);
    expect({ balance: left.balance, status: Number(left.status) }).to.deep.equal({ balance: 0n, status: 3 });
    expect((await timeBank.walletOf(giver)).toLowerCase()).to.equal(moved.body.wallet);

    // The same key answers the same move: no new key, no new job, the same wallet.
    const jobs = countRows(gw, "chain_jobs");
    const again = await rebind(coordinator, giver, { idempotencyKey: "rebind-giver-0001" });
    expect(again.status, again.text).to.equal(200);
    expect(again.body.wallet).to.equal(moved.body.wallet);
    expect(countRows(gw, "keys")).to.equal(keys + 1);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    // Another move under that key is refused, writing nothing.
    await refusedWritingNothing(
      counts,
      async () =>
        rebind(coordinator, giver, {
          ...(await proof(giver, Wallet.createRandom())),
          idempotencyKey: "rebind-giver-0001",
        }),
      409,
      "idempotencyKey",
      "idempotency_key_reused",
    );

    // The member's PIN unlocks its new key: it donates 5 minutes to the pool from the new wallet.
    const donated = await gw.post(`/v1/timebank/members/${giver}/donations`, coordinator.apiKey, {
      minutes: 5,
      pin: TIMEBANK_PIN,
      idempotencyKey: "rebind-giver-donation-0001",
    });
    expect(donated.status, donated.text).to.equal(201);
    expect((await member(giver)).balance).to.equal(40);
    // Its history holds what it did on both wallets: earned 60 and 10, donated 25, then 5 from the new one.
    await untilIndexed(gw);
    const history = await gw.get(`/v1/timebank/members/${giver}/history`, coordinator.apiKey);
    expect(history.status, history.text).to.equal(200);
    expect(
      history.body.entries.map((e: { kind: string; minutes: number }) => `${e.kind} ${e.minutes}`),
    ).to.deep.equal(["earned 60", "donated 25", "earned 10", "donated 5"]);

    // The indexer binds both wallets to the one member ref, so its served minutes stay its own.
    let step = await indexOnce(gw.services.indexer);
    while (!step.caughtUp) step = await indexOnce(gw.services.indexer);
    const refs = gw.services.store.sqlite
      .prepare("SELECT member_ref FROM idx_timebank_wallets WHERE wallet IN (?, ?)")
      .pluck()
      .all(before.wallet, moved.body.wallet);
    expect(refs).to.deep.equal([giver, giver]);
  });

  it("moves a member to a wallet of its own only with that wallet's proof, and forgets its PIN and phone", async () => {
    const own = Wallet.createRandom();
    const stranger = Wallet.createRandom();
    const now = Math.floor(Date.now() / 1000);
    const base = { idempotencyKey: "rebind-recipient-0001" };
    // A proof signed by another wallet, for another member, run out, or too far ahead: refused, nothing written.
    const forged = { ...(await proof(recipient, stranger)), wallet: own.address };
    await refusedWritingNothing(
      counts,
      () => rebind(coordinator, recipient, { ...forged, ...base }),
      403,
      "signature",
      "control_not_proven",
    );
    await refusedWritingNothing(
      counts,
      async () => rebind(coordinator, recipient, { ...(await proof(giver, own)), ...base }),
      403,
      "signature",
      "control_not_proven",
    );
    await refusedWritingNothing(
      counts,
      async () => rebind(coordinator, recipient, { ...(await proof(recipient, own, now - 10)), ...base }),
      400,
      "deadline",
      "expired",
    );
    await refusedWritingNothing(
      counts,
      async () =>
        rebind(coordinator, recipient, { ...(await proof(recipient, own, now + 3 * 86_400)), ...base }),
      400,
      "deadline",
      "too_far",
    );
    const { wallet: _wallet, ...withoutWallet } = await proof(recipient, own);
    await refusedWritingNothing(
      counts,
      () => rebind(coordinator, recipient, { ...withoutWallet, ...base }),
      400,
      "signature",
      "only_with_wallet",
    );
    await refusedWritingNothing(
      counts,
      () => rebind(coordinator, recipient, { wallet: own.address, ...base }),
      400,
      "signature",
      "required",
    );
    // Another coordinator is told the member does not exist; a donor is refused.
    await refusedWritingNothing(
      counts,
      async () => rebind(other, recipient, { ...(await proof(recipient, own)), ...base }),
      404,
      "memberRef",
    );
    const donor = await registerOrganisation(gw, "donor");
    const asDonor = await rebind(donor, recipient, { ...(await proof(recipient, own)), ...base });
    expect(asDonor.status).to.equal(403);

    const moved = await rebind(coordinator, recipient, { ...(await proof(recipient, own)), ...base });
    expect(moved.status, moved.text).to.equal(200);
    expect(moved.body).to.include({ custody: "self", wallet: own.address.toLowerCase(), balance: -60 });
    expect(getAddress(await gw.services.system.timeBank.walletOf(recipient))).to.equal(own.address);
    const access = await gw.post(`/v1/timebank/members/${recipient}/access`, coordinator.apiKey, {
      pin: "739105",
    });
    expect(access.status, access.text).to.equal(409);
    expect(access.body.error.code).to.equal("not_custodial");
    expect(
      gw.services.store.sqlite
        .prepare("SELECT count(*) FROM access_secrets WHERE beneficiary_ref = ?")
        .pluck()
        .get(recipient),
    ).to.equal(0);
  });

  it("refuses, writing nothing, a wallet already bound and a removed member, naming the TimeBank's error", async () => {
    const held = Wallet.createRandom();
    const self = await admitMember(gw, coordinator, syntheticNationalId(870_900), { wallet: held.address });
    // The giver's move to a wallet another member holds: the chain's MemberWalletTaken, no job.
    await refusedWritingNothing(
      counts,
      async () =>
        rebind(coordinator, giver, { ...(await proof(giver, held)), idempotencyKey: "rebind-taken-0001" }),
      409,
      "wallet",
      "MemberWalletTaken",
    );
    const removed = await gw.post(`/v1/timebank/members/${self}/changes`, coordinator.apiKey, {
      action: "remove",
      idempotencyKey: "rebind-remove-0001",
    });
    expect(removed.status, removed.text).to.equal(200);
    await refusedWritingNothing(
      counts,
      () => rebind(coordinator, self, { idempotencyKey: "rebind-removed-0001" }),
      409,
      "memberRef",
      "MemberStatusInvalid",
    );
    await refusedWritingNothing(
      counts,
      () => rebind(coordinator, "0x1234", { idempotencyKey: "rebind-bad-0001" }),
      400,
      "memberRef",
    );
  });
});
