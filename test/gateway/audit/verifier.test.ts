import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { ForgingLedger__factory } from "../../../typechain-types";
import { addressesOf } from "../../../deploy/system";
import { MerkleTree } from "../../../src/anchoring/merkle";
import { runAudit, type AuditRpc, type Finding, type PublishedProof } from "../../../src/audit";
import {
  createProgramme,
  firstMemberReceipt,
  programmeParams,
  issueTo,
  ledgerWorld,
  passDisputeWindows,
  receiptFor,
  redeemSigned,
  signReceipt,
  type Receipt,
} from "../../contracts/helpers/ledger";
import { DAY, UNIT } from "../../contracts/helpers/system";

/** The in-process Hardhat node spoken to in plain JSON-RPC, as the CLI speaks to any node. */
const rpc: AuditRpc = { send: (method, params) => ethers.provider.send(method, params) };

/**
 * A ledger with real history: households registered, programme 1 in a group, a gift, entitlements issued,
 * two wallet-signed redemptions, and an anchored batch of three confirmations with their published proofs.
 */
async function auditedWorld() {
  const world = await ledgerWorld();
  const { ledger, charity, vendor, households, programmeId, anchor, registrar } = world;
  await issueTo(ledger, charity, programmeId, households, 100n * UNIT);
  const [h1, h2] = households;
  await redeemSigned(ledger, vendor, h1!.members[0]!.wallet, await firstMemberReceipt(world, 40n * UNIT));
  await redeemSigned(
    ledger,
    vendor,
    h2!.members[0]!.wallet,
    await receiptFor(ledger, programmeId, h2!.householdRef, h2!.members[0]!, vendor, 25n * UNIT),
  );
  const confirmations = [1, 2, 3].map((n) => ethers.id(`confirmation ${n}`));
  const tree = MerkleTree.ofConfirmations(confirmations);
  await anchor.connect(registrar).anchor(tree.root, confirmations.length, "/v1/anchors");
  const proofs: PublishedProof[] = confirmations.map((confirmationHash, index) => ({
    root: tree.root,
    confirmationHash,
    proof: tree.proof(index),
  }));
  const { timelock, licences, registry, ledger: aidLedger, auditLog } = world;
  const addresses = await addressesOf({ timelock, licences, registry, ledger: aidLedger, anchor, auditLog });
  return { ...world, proofs, addresses };
}

type World = Awaited<ReturnType<typeof auditedWorld>>;

/** Puts the forging ledger's code at the ledger's address for one redemption, then the real code back. */
async function forgeRedemption(world: World, sender: Signer, receipt: Receipt, signature: string) {
  const ledgerAddress = world.addresses.ledger;
  const real = await ethers.provider.getCode(ledgerAddress);
  const forger = await new ForgingLedger__factory(world.deployer).deploy(world.giftId);
  await network.provider.send("hardhat_setCode", [ledgerAddress, await ethers.provider.getCode(forger)]);
  try {
    const tx = await world.ledger.connect(sender).redeem(receipt, signature, "0x");
    const mined = await tx.wait();
    const redeemedLog = mined!.logs.find(
      (log) => world.ledger.interface.parseLog(log)?.name === "DeliveryRedeemed",
    )!;
    return { txHash: tx.hash, logIndex: redeemedLog.index };
  } finally {
    await network.provider.send("hardhat_setCode", [ledgerAddress, real]);
  }
}

function named(findings: Finding[], check: string, at: { txHash: string; logIndex: number }): Finding[] {
  return findings.filter(
    (finding) =>
      finding.check === check &&
      finding.event?.txHash === at.txHash &&
      finding.event.logIndex === at.logIndex,
  );
}

describe("audit: the independent verifier", () => {
  it("passes every check on a clean ledger, through collection and expiry", async () => {
    const world = await loadFixture(auditedWorld);
    await passDisputeWindows();
    await world.ledger.connect(world.vendor).collectSettlement(world.programmeId, ethers.ZeroAddress);
    await world.ledger.releaseExpired(world.programmeId);
    const result = await runAudit({ rpc, addresses: world.addresses, proofs: world.proofs });
    expect(result.findings).to.deep.equal([]);
    expect(result.counts.redemptions).to.equal(2);
    expect(result.counts.signaturesVerified).to.equal(2);
    expect(result.counts.proofsChecked).to.equal(3);
    expect(Object.values(result.checks).every((check) => check.passed)).to.equal(true);
    const books = result.programmes.find(
      (programme) => programme.programmeId === world.programmeId.toString(),
    )!;
    expect([books.given, books.paid, books.collected]).to.deep.equal([1000n * UNIT, 65n * UNIT, 65n * UNIT]);
  });

  it("passes a field agent's co-signed redemption and a receipt signed by the previous wallet within its grace", async () => {
    const world = await loadFixture(auditedWorld);
    const { ledger, charity, donor, vendor, fieldAgent, registry, registrar, token, households } = world;
    const agentProgramme = await createProgramme(
      ledger,
      charity,
      await programmeParams(token, { requiresFieldAgent: true, vendors: [vendor.address] }),
    );
    await ledger.connect(donor).give(agentProgramme, 200n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1, , h3] = households;
    await issueTo(ledger, charity, agentProgramme, [h1!], 50n * UNIT);
    const receipt = await receiptFor(
      ledger,
      agentProgramme,
      h1!.householdRef,
      h1!.members[0]!,
      vendor,
      20n * UNIT,
    );
    await redeemSigned(
      ledger,
      vendor,
      h1!.members[0]!.wallet,
      receipt,
      await signReceipt(fieldAgent, ledger, receipt),
    );
    // The third household's wallet is rebound; a receipt its old wallet signed is still good within the grace.
    const member = h3!.members[0]!;
    const old = await receiptFor(ledger, world.programmeId, h3!.householdRef, member, vendor, 10n * UNIT);
    const oldSignature = await signReceipt(member.wallet, ledger, old);
    await registry
      .connect(registrar)
      .rebindWallet(member.beneficiaryRef, world.spareWallets[0]!.address, ethers.id("lost"));
    await ledger.connect(vendor).redeem(old, oldSignature, "0x");
    const result = await runAudit({ rpc, addresses: world.addresses, proofs: world.proofs });
    expect(result.findings).to.deep.equal([]);
    expect(result.counts.signaturesVerified).to.equal(5);
  });

  it("finds a redemption whose beneficiary signature is forged, and names its event", async () => {
    const world = await loadFixture(auditedWorld);
    const [, , h3] = world.households;
    const receipt = await receiptFor(
      world.ledger,
      world.programmeId,
      h3!.householdRef,
      h3!.members[0]!,
      world.vendor,
      10n * UNIT,
    );
    // Signed by a stranger, not the wallet bound to the beneficiary: the real ledger refuses this.
    const forged = await forgeRedemption(
      world,
      world.vendor,
      receipt,
      await signReceipt(world.stranger, world.ledger, receipt),
    );
    const result = await runAudit({ rpc, addresses: world.addresses, proofs: world.proofs });
    const hits = named(result.findings, "beneficiary_signature", forged);
    expect(hits).to.have.length(1);
    expect(hits[0]!.message).to.match(/no wallet bound/);
    expect(result.checks.beneficiary_signature.passed).to.equal(false);
    // The forged redemption never went through the books either: the stored funds disagree with the events.
    expect(result.checks.money_conservation.passed).to.equal(false);
    expect(result.checks.licence.passed).to.equal(true);
  });

  it("finds a redemption by a vendor with no licence, and names its event", async () => {
    const world = await loadFixture(auditedWorld);
    const [, , h3] = world.households;
    const member = h3!.members[0]!;
    const receipt = await receiptFor(
      world.ledger,
      world.programmeId,
      h3!.householdRef,
      member,
      world.stranger,
      10n * UNIT,
    );
    const forged = await forgeRedemption(
      world,
      world.stranger,
      receipt,
      await signReceipt(member.wallet, world.ledger, receipt),
    );
    const result = await runAudit({ rpc, addresses: world.addresses, proofs: world.proofs });
    const hits = named(result.findings, "licence", forged);
    expect(hits.map((hit) => hit.message)).to.satisfy((messages: string[]) =>
      messages.some((message) => /held no valid vendor licence/.test(message)),
    );
    expect(named(result.findings, "beneficiary_signature", forged)).to.deep.equal([]);
  });

  it("finds a published proof that does not verify, and names the anchoring event", async () => {
    const world = await loadFixture(auditedWorld);
    const tampered = world.proofs.map((proof, index) =>
      index === 1
        ? { ...proof, confirmationHash: ethers.id("a confirmation that was never anchored") }
        : proof,
    );
    const result = await runAudit({ rpc, addresses: world.addresses, proofs: tampered });
    expect(result.findings).to.have.length(1);
    const [finding] = result.findings;
    expect(finding!.check).to.equal("anchored_proof");
    expect(finding!.message).to.match(/published proof 1/);
    const anchored = await world.anchor.queryFilter(world.anchor.filters.ReceiptsAnchored());
    expect(finding!.event).to.include({ txHash: anchored[0]!.transactionHash, logIndex: anchored[0]!.index });
  });

  it("finds a redemption without the field agent its programme requires", async () => {
    const world = await loadFixture(auditedWorld);
    const { ledger, charity, donor, vendor, token, households } = world;
    const agentProgramme = await createProgramme(
      ledger,
      charity,
      await programmeParams(token, { requiresFieldAgent: true, vendors: [vendor.address] }),
    );
    await ledger.connect(donor).give(agentProgramme, 200n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1] = households;
    await issueTo(ledger, charity, agentProgramme, [h1!], 50n * UNIT);
    const member = h1!.members[0]!;
    const receipt = await receiptFor(ledger, agentProgramme, h1!.householdRef, member, vendor, 20n * UNIT);
    const forged = await forgeRedemption(
      world,
      vendor,
      receipt,
      await signReceipt(member.wallet, ledger, receipt),
    );
    const result = await runAudit({ rpc, addresses: world.addresses });
    const hits = named(result.findings, "field_agent", forged);
    expect(hits).to.have.length(1);
    expect(hits[0]!.message).to.match(/requires a field agent/);
  });

  it("finds a redemption after the vendor's licence was suspended", async () => {
    const world = await loadFixture(auditedWorld);
    await world.licences
      .connect(world.regulator)
      .suspendLicence(world.vendor.address, 2, ethers.id("finding 1"));
    const [, , h3] = world.households;
    const member = h3!.members[0]!;
    const receipt = await receiptFor(
      world.ledger,
      world.programmeId,
      h3!.householdRef,
      member,
      world.vendor,
      10n * UNIT,
      {
        deadline: BigInt((await time.latest()) + DAY),
      },
    );
    const forged = await forgeRedemption(
      world,
      world.vendor,
      receipt,
      await signReceipt(member.wallet, world.ledger, receipt),
    );
    const result = await runAudit({ rpc, addresses: world.addresses });
    expect(named(result.findings, "licence", forged)).to.have.length(1);
  });
});
