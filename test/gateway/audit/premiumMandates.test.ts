import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import {
  ForgingLedger__factory,
  ForgingMandates__factory,
  TestSmartWallet__factory,
} from "../../../typechain-types";
import { addressesOf } from "../../../deploy/system";
import { runAudit, type AuditRpc, type Finding } from "../../../src/audit";
import { receiptNonceOf, signReceipt, type Receipt } from "../../contracts/helpers/ledger";
import { ref } from "../../contracts/helpers/system";
import {
  ISSUED,
  PREMIUM,
  acceptedMandateWorld,
  mandateIdOf,
  premiumReceipt,
  signMandate,
  type StandingMandate,
} from "../../contracts/insurance/fixture";

/** The in-process Hardhat node spoken to in plain JSON-RPC, as the CLI speaks to any node. */
const rpc: AuditRpc = { send: (method, params) => ethers.provider.send(method, params) };

/**
 * The mandate world (an Insurance programme, household 1's member's mandate for `PREMIUM` a period over three
 * periods, accepted), with household 2's member's mandate accepted too, and the addresses an audit reads,
 * PremiumMandates' included.
 */
async function auditedMandateWorld() {
  const world = await acceptedMandateWorld();
  const { mandates, households, terms, ledger, insuranceId } = world;
  const [, h2] = households;
  const terms2: StandingMandate = {
    ...terms,
    householdRef: h2.householdRef,
    beneficiaryRef: h2.members[0].beneficiaryRef,
  };
  await mandates.acceptMandate(terms2, await signMandate(h2.members[0].wallet, mandates, terms2));
  const { licences, registry, anchor, auditLog } = world;
  const addresses = await addressesOf({ licences, registry, ledger, anchor, auditLog, mandates });
  const gifts = await ledger.queryFilter(ledger.filters.GiftReceived(undefined, insuranceId));
  return {
    ...world,
    terms2,
    mandate2: await mandateIdOf(mandates, terms2),
    addresses,
    insuranceGift: gifts[0]!.args.giftId,
  };
}

type World = Awaited<ReturnType<typeof auditedMandateWorld>>;

/** Puts `forger`'s code at `address` for one transaction, then the real code back. */
async function withCodeOf<T>(address: string, forger: string, run: () => Promise<T>): Promise<T> {
  const real = await ethers.provider.getCode(address);
  await network.provider.send("hardhat_setCode", [address, await ethers.provider.getCode(forger)]);
  try {
    return await run();
  } finally {
    await network.provider.send("hardhat_setCode", [address, real]);
  }
}

/** A premium redemption the real ledger would refuse, left on chain by the forging ledger's code. */
async function forgeRedemption(world: World, sender: Signer, receipt: Receipt, signature: string) {
  const forger = await new ForgingLedger__factory(world.deployer).deploy(world.insuranceGift);
  return withCodeOf(world.addresses.ledger, await forger.getAddress(), async () => {
    const tx = await world.ledger.connect(sender).redeem(receipt, signature, "0x");
    const mined = await tx.wait();
    const redeemed = mined!.logs.find(
      (log) => world.ledger.interface.parseLog(log)?.name === "DeliveryRedeemed",
    )!;
    return { txHash: tx.hash, logIndex: redeemed.index };
  });
}

function at(findings: Finding[], where: { txHash: string; logIndex: number }): Finding[] {
  return findings.filter(
    (finding) => finding.event?.txHash === where.txHash && finding.event.logIndex === where.logIndex,
  );
}

describe("audit: premium redemptions under standing mandates (nazr-e bimeh)", function () {
  it("passes premiums redeemed under valid mandates, alone and in a batch, and a later revocation", async function () {
    const world = await loadFixture(auditedMandateWorld);
    const { ledger, mandates, insurer, households, terms, terms2, mandateId, mandate2 } = world;
    const [h1] = households;
    await ledger.connect(insurer).redeem(await premiumReceipt(world), mandateId, "0x");
    // Household 2's premium in a batch, beside an ordinary receipt household 1's member signed.
    const ordinary = await premiumReceipt(world, {
      nonce: await ledger.receiptNonce(terms.programmeId, h1.householdRef),
      amount: PREMIUM / 2n,
    });
    await ledger.connect(insurer).redeemBatch([
      {
        receipt: ordinary,
        beneficiarySignature: await signReceipt(h1.members[0].wallet, ledger, ordinary),
        fieldAgentSignature: "0x",
      },
      {
        receipt: await premiumReceipt({ ledger, terms: terms2 }),
        beneficiarySignature: mandate2,
        fieldAgentSignature: "0x",
      },
    ]);
    // Revoked after its premium: what was redeemed before stays good.
    await mandates.connect(h1.members[1].wallet).revokeMandate(mandateId, h1.members[1].beneficiaryRef);

    const result = await runAudit({ rpc, addresses: world.addresses, workers: 0 });
    expect(result.findings).to.deep.equal([]);
    expect(result.counts.redemptions).to.equal(3);
    // The ordinary receipt's signature and the two mandates', each recovered again (a premium carries none).
    expect(result.counts.signaturesVerified).to.equal(3);

    // Without PremiumMandates' address the auditor cannot know the mandates: each premium is reported.
    const { licences, registry, anchor, auditLog } = world;
    const withoutMandates = await addressesOf({ licences, registry, ledger, anchor, auditLog });
    const blind = await runAudit({ rpc, addresses: withoutMandates, workers: 0 });
    expect(blind.findings.map((finding) => finding.message)).to.deep.equal([
      `the beneficiary signature is mandate ${mandateId}, which PremiumMandates never recorded before this redemption`,
      `the beneficiary signature is mandate ${mandate2}, which PremiumMandates never recorded before this redemption`,
    ]);
  });

  it("passes a premium under the mandate of a contract wallet, asked by ERC-1271 at the acceptance's block", async function () {
    const world = await loadFixture(auditedMandateWorld);
    const { ledger, mandates, registry, registrar, charity, deployer, insurer, terms, spareWallets } = world;
    const owner = spareWallets[0]!;
    const safe = await new TestSmartWallet__factory(deployer).deploy(owner.address);
    const household = ref("household", "insured-safe");
    const beneficiary = ref("beneficiary", "insured-safe");
    await registry
      .connect(registrar)
      .registerBatch([
        { beneficiaryRef: beneficiary, householdRef: household, wallet: await safe.getAddress() },
      ]);
    await ledger.connect(charity).issueBatch(terms.programmeId, [beneficiary], [household], ISSUED);
    const safeTerms = { ...terms, householdRef: household, beneficiaryRef: beneficiary };
    await mandates.acceptMandate(safeTerms, await signMandate(owner, mandates, safeTerms));
    const safeMandate = await mandateIdOf(mandates, safeTerms);
    await ledger
      .connect(insurer)
      .redeem(await premiumReceipt({ ledger, terms: safeTerms }), safeMandate, "0x");
    const result = await runAudit({ rpc, addresses: world.addresses, workers: 0 });
    expect(result.findings).to.deep.equal([]);
  });

  it("flags premiums no mandate covers: revoked before, after its last period, above its premium, another insurer or household", async function () {
    const world = await loadFixture(auditedMandateWorld);
    const { ledger, mandates, insurer, vendor, households, terms, mandateId, mandate2 } = world;
    const [, h2] = households;
    const period = await ledger.currentPeriod(terms.programmeId);
    const abovePremium = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt(world, { amount: PREMIUM + 1n }),
      mandateId,
    );
    const afterLast = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt(world, {}, terms.lastPeriod + 1n),
      mandateId,
    );
    const otherInsurer = await forgeRedemption(
      world,
      vendor,
      await premiumReceipt(world, { vendor: vendor.address }),
      mandateId,
    );
    // Household 2's premium under household 1's mandate.
    const otherHousehold = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt(world, {
        householdRef: h2.householdRef,
        beneficiaryRef: h2.members[0].beneficiaryRef,
        nonce: receiptNonceOf(period, terms.receiptIndex - 1),
      }),
      mandateId,
    );
    // A receipt index other than the mandate's (a second premium in one period).
    const otherIndex = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt(world, { nonce: receiptNonceOf(period, terms.receiptIndex - 1) }),
      mandateId,
    );
    const unknown = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt(world, { evidenceHash: ethers.id("evidence: no mandate") }),
      ethers.id("no mandate"),
    );
    const revocation = await mandates
      .connect(h2.members[0].wallet)
      .revokeMandate(mandate2, h2.members[0].beneficiaryRef);
    const revokedAt = (await revocation.wait())!.blockNumber;
    const afterRevocation = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt({ ledger, terms: world.terms2 }),
      mandate2,
    );
    // The genuine premium of household 1 this period still passes beside them.
    await ledger.connect(insurer).redeem(await premiumReceipt(world), mandateId, "0x");

    const result = await runAudit({ rpc, addresses: world.addresses, workers: 0 });
    const signatureFindings = (where: { txHash: string; logIndex: number }) =>
      at(result.findings, where)
        .filter((finding) => finding.check === "beneficiary_signature")
        .map((finding) => finding.message);
    const named = `the beneficiary signature is mandate ${mandateId}`;
    expect(signatureFindings(abovePremium)).to.deep.equal([
      `${named}: ${PREMIUM + 1n} is above its premium of ${PREMIUM} a period`,
    ]);
    expect(signatureFindings(afterLast)).to.deep.equal([
      `${named}: period ${terms.lastPeriod + 1n} is outside its periods ${terms.firstPeriod} to ${terms.lastPeriod}`,
    ]);
    expect(signatureFindings(otherInsurer)).to.deep.equal([
      `${named}, whose insurer is ${insurer.address.toLowerCase()}, not the vendor ${vendor.address.toLowerCase()}`,
    ]);
    expect(signatureFindings(otherHousehold)).to.deep.equal([`${named}, of another household`]);
    expect(signatureFindings(otherIndex)).to.deep.equal([
      `${named}: the receipt's index ${terms.receiptIndex - 1} is not the mandate's ${terms.receiptIndex}`,
    ]);
    expect(signatureFindings(unknown)).to.deep.equal([
      `the beneficiary signature is mandate ${ethers.id("no mandate")}, which PremiumMandates never recorded before this redemption`,
    ]);
    expect(signatureFindings(afterRevocation)).to.deep.equal([
      `the beneficiary signature is mandate ${mandate2}, revoked at block ${revokedAt} before this redemption`,
    ]);
    // Read one block a page, mandates and redemptions in separate pages, the audit concludes the same.
    const paged = await runAudit({ rpc, addresses: world.addresses, workers: 2, blockRange: 1 });
    expect(paged.findings).to.deep.equal(result.findings);
    // Those seven, and nothing else about signatures: the genuine premium and the mandates themselves pass.
    expect(result.findings.filter((finding) => finding.check === "beneficiary_signature")).to.have.length(7);
  });

  it("flags a mandate no member signed, and every premium it approved", async function () {
    const world = await loadFixture(auditedMandateWorld);
    const { ledger, mandates, insurer, stranger, households, terms, deployer } = world;
    const [, , h3] = households;
    const member = h3.members[0];
    // Household 3's mandate, "signed" by a stranger; the tampered contract records it without checking.
    const forgedTerms: StandingMandate = {
      ...terms,
      householdRef: h3.householdRef,
      beneficiaryRef: member.beneficiaryRef,
    };
    const forger = await new ForgingMandates__factory(deployer).deploy(member.wallet.address);
    const acceptance = await withCodeOf(world.addresses.mandates, await forger.getAddress(), async () => {
      const tx = await mandates.acceptMandate(
        forgedTerms,
        await signMandate(stranger, mandates, forgedTerms),
      );
      const mined = await tx.wait();
      return { txHash: tx.hash, logIndex: mined!.logs[0]!.index };
    });
    const forgedId = await mandateIdOf(mandates, forgedTerms);
    const premium = await forgeRedemption(
      world,
      insurer,
      await premiumReceipt({ ledger, terms: forgedTerms }),
      forgedId,
    );
    const result = await runAudit({ rpc, addresses: world.addresses, workers: 0 });
    expect(at(result.findings, acceptance).map((finding) => finding.message)).to.deep.equal([
      `mandate ${forgedId} was signed by no wallet bound to the beneficiary in that household (ECDSA or ERC-1271)`,
    ]);
    expect(
      at(result.findings, premium)
        .filter((finding) => finding.check === "beneficiary_signature")
        .map((finding) => finding.message),
    ).to.deep.equal([
      `approved by mandate ${forgedId}, whose signature could not be shown to be the beneficiary's`,
    ]);
    expect(result.checks.beneficiary_signature.findings).to.equal(2);
  });
});
