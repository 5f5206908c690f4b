import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { createProgramme, programmeParams, receiptNonceOf } from "../../../test/contracts/helpers/ledger";
import { DAY, Layer, ref, UNIT, type SystemFixture } from "../../../test/contracts/helpers/system";
import { MANDATE_TYPES, REVOCATION_TYPES } from "../../../test/contracts/insurance/fixture";
import type { Measurement } from "./scenarios";
import { gasUsed } from "./world";

/** The premium batch measured, per receipt, beside the ordinary `redeemBatch` of as many receipts. */
export const PREMIUM_BATCH = 50;
const PREMIUM = 5n * UNIT;
/** The receipt index the mandates reserve for premiums (the last, which ordinary receipts reach last). */
const PREMIUM_INDEX = 31;

/**
 * (7) Standing premium mandates: a member's `acceptMandate` (submitted by another account, as the gateway
 * relays it), its revocation directly and by a relayed signature, and the insurer's premiums under mandates:
 * one `redeem` with the vendor already credited (as the ordinary `redeem` row), and a `redeemBatch` of
 * `PREMIUM_BATCH` premiums of as many households (as the ordinary batch rows). Every household has its own
 * wallet; the insurer is the fixture's vendor, in an Insurance-layer programme.
 */
export async function premiumMandates(system: SystemFixture): Promise<Measurement[]> {
  const { registry, registrar, ledger, mandates, charity, donor, token, vendor, stranger } = system;
  const size = PREMIUM_BATCH + 4;
  const members = Array.from({ length: size }, (_, i) => {
    const signer = new ethers.Wallet(ethers.id(`sintech bench mandate signer ${i}`));
    return {
      signer,
      beneficiaryRef: ref("beneficiary", `bench-mandate-${i}`),
      householdRef: ref("household", `bench-mandate-${i}`),
      wallet: signer.address,
    };
  });
  await registry.connect(registrar).registerBatch(members.map(({ signer: _, ...m }) => m));
  const params = await programmeParams(token, { layer: Layer.Insurance, vendors: [vendor.address] });
  const programmeId = await createProgramme(ledger, charity, params);
  await ledger
    .connect(donor)
    .give(programmeId, BigInt(size) * 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
  await ledger.connect(charity).issueBatch(
    programmeId,
    members.map((m) => m.beneficiaryRef),
    members.map((m) => m.householdRef),
    10n * UNIT,
  );
  const period = await ledger.currentPeriod(programmeId);
  const domain = {
    name: "Sin Tech PremiumMandates",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await mandates.getAddress(),
  };
  const deadline = BigInt((await time.latest()) + DAY);
  const accepted = [];
  const acceptGas: number[] = [];
  for (const m of members) {
    const terms = {
      programmeId,
      householdRef: m.householdRef,
      beneficiaryRef: m.beneficiaryRef,
      insurer: vendor.address,
      premiumPerPeriod: PREMIUM,
      firstPeriod: period,
      lastPeriod: period + 11n,
      receiptIndex: PREMIUM_INDEX,
      nonce: 0n,
      deadline,
    };
    const signature = await m.signer.signTypedData(domain, MANDATE_TYPES, terms);
    acceptGas.push(await gasUsed(mandates.connect(stranger).acceptMandate(terms, signature)));
    accepted.push({ member: m, mandateId: ethers.TypedDataEncoder.hash(domain, MANDATE_TYPES, terms) });
  }
  const premium = (m: (typeof members)[number], i: number) => ({
    programmeId,
    beneficiaryRef: m.beneficiaryRef,
    householdRef: m.householdRef,
    vendor: vendor.address,
    amount: PREMIUM,
    evidenceHash: ethers.id(`bench premium ${i}`),
    nonce: receiptNonceOf(period, PREMIUM_INDEX),
    deadline,
  });
  const [first, second, revokedDirectly, revokedBySig, ...batch] = accepted;
  // The vendor's first credit in the programme, then the premium measured with the vendor already credited.
  await ledger.connect(vendor).redeem(premium(first!.member, 0), first!.mandateId, "0x");
  const single = await gasUsed(
    ledger.connect(vendor).redeem(premium(second!.member, 1), second!.mandateId, "0x"),
  );
  const inBatch = await gasUsed(
    ledger.connect(vendor).redeemBatch(
      batch.map(({ member, mandateId }, i) => ({
        receipt: premium(member, i + 4),
        beneficiarySignature: mandateId,
        fieldAgentSignature: "0x",
      })),
    ),
  );
  // The member's own wallet sends the direct revocation, so it needs gas.
  const revoker = revokedDirectly!.member.signer.connect(ethers.provider);
  await network.provider.send("hardhat_setBalance", [revoker.address, "0x56bc75e2d63100000"]);
  const revoke = await gasUsed(
    mandates
      .connect(revoker)
      .revokeMandate(revokedDirectly!.mandateId, revokedDirectly!.member.beneficiaryRef),
  );
  const revocation = {
    mandateId: revokedBySig!.mandateId,
    memberRef: revokedBySig!.member.beneficiaryRef,
    deadline,
  };
  const revocationSignature = await revokedBySig!.member.signer.signTypedData(
    domain,
    REVOCATION_TYPES,
    revocation,
  );
  const revokeBySig = await gasUsed(
    mandates
      .connect(stranger)
      .revokeMandateBySig(revocation.mandateId, revocation.memberRef, deadline, revocationSignature),
  );
  return [
    {
      id: "mandate.accept",
      operation: "acceptMandate, relayed (one mandate a household)",
      gas: Math.max(...acceptGas),
      households: 1,
    },
    { id: "mandate.revoke", operation: "revokeMandate, by a member's wallet", gas: revoke, households: 1 },
    {
      id: "mandate.revokeBySig",
      operation: "revokeMandateBySig, relayed",
      gas: revokeBySig,
      households: 1,
    },
    {
      id: "mandate.redeem",
      operation: "redeem under a mandate, vendor already credited",
      gas: single,
      households: 1,
    },
    {
      id: `mandate.redeemBatch.${PREMIUM_BATCH}`,
      operation: `redeemBatch, ${PREMIUM_BATCH} premiums under mandates (vendor already credited)`,
      gas: inBatch,
      households: PREMIUM_BATCH,
    },
  ];
}
