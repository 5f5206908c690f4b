import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer, TypedDataDomain } from "ethers";
import type { PremiumMandates } from "../../../typechain-types";
import {
  createProgramme,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptNonceOf,
  type Receipt,
} from "../helpers/ledger";
import { DAY, Layer, UNIT } from "../helpers/system";

/** The EIP-712 type a member signs to accept a standing premium mandate (mirrors `IPremiumMandates`). */
export const MANDATE_TYPES = {
  StandingMandate: [
    { name: "programmeId", type: "uint256" },
    { name: "householdRef", type: "bytes32" },
    { name: "beneficiaryRef", type: "bytes32" },
    { name: "insurer", type: "address" },
    { name: "premiumPerPeriod", type: "uint256" },
    { name: "firstPeriod", type: "uint32" },
    { name: "lastPeriod", type: "uint32" },
    { name: "receiptIndex", type: "uint8" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The EIP-712 type a member signs to revoke a mandate through a relayer. */
export const REVOCATION_TYPES = {
  MandateRevocation: [
    { name: "mandateId", type: "bytes32" },
    { name: "memberRef", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface StandingMandate {
  programmeId: bigint;
  householdRef: string;
  beneficiaryRef: string;
  insurer: string;
  premiumPerPeriod: bigint;
  firstPeriod: bigint;
  lastPeriod: bigint;
  receiptIndex: number;
  nonce: bigint;
  deadline: bigint;
}

export const PREMIUM = 10n * UNIT;
export const ISSUED = 50n * UNIT;
/** The receipt index the fixture's mandates reserve: the last one, which ordinary receipts reach last. */
export const PREMIUM_INDEX = 31;

/** PremiumMandates' EIP-712 domain; `overrides` forge one of another chain or deployment. */
export async function mandateDomain(
  mandates: PremiumMandates,
  overrides: Partial<TypedDataDomain> = {},
): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: "Sin Tech PremiumMandates",
    version: "1",
    chainId,
    verifyingContract: await mandates.getAddress(),
    ...overrides,
  };
}

export async function signMandate(
  signer: Signer,
  mandates: PremiumMandates,
  mandate: StandingMandate,
  overrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData(await mandateDomain(mandates, overrides), MANDATE_TYPES, mandate);
}

export async function mandateIdOf(mandates: PremiumMandates, mandate: StandingMandate): Promise<string> {
  return ethers.TypedDataEncoder.hash(await mandateDomain(mandates), MANDATE_TYPES, mandate);
}

export async function signRevocation(
  signer: Signer,
  mandates: PremiumMandates,
  revocation: { mandateId: string; memberRef: string; deadline: bigint },
  overrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData(await mandateDomain(mandates, overrides), REVOCATION_TYPES, revocation);
}

/**
 * The ledger world plus an Insurance-layer programme (no exclusivity group) allowing `vendor2`, the insurer,
 * and `vendor`, another insurer; households 1 and 2 issued `ISSUED` in it; and a mandate (not yet accepted)
 * of household 1's first member for `PREMIUM` a period over this period and the next two.
 */
export async function mandateWorld() {
  const world = await ledgerWorld();
  const { ledger, charity, donor, token, vendor, vendor2, households } = world;
  const insuranceId = await createProgramme(
    ledger,
    charity,
    await programmeParams(token, { layer: Layer.Insurance, vendors: [vendor.address, vendor2.address] }),
  );
  await ledger.connect(donor).give(insuranceId, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
  await issueTo(ledger, charity, insuranceId, households.slice(0, 2), ISSUED);
  const period = await ledger.currentPeriod(insuranceId);
  const [h1] = households;
  const terms: StandingMandate = {
    programmeId: insuranceId,
    householdRef: h1.householdRef,
    beneficiaryRef: h1.members[0].beneficiaryRef,
    insurer: vendor2.address,
    premiumPerPeriod: PREMIUM,
    firstPeriod: period,
    lastPeriod: period + 2n,
    receiptIndex: PREMIUM_INDEX,
    nonce: 0n,
    deadline: BigInt((await time.latest()) + DAY),
  };
  return { ...world, insuranceId, insurer: vendor2, insurancePeriod: period, terms };
}

export type MandateWorld = Awaited<ReturnType<typeof mandateWorld>>;

/** The fixture's mandate, accepted (submitted by a stranger), and its id. */
export async function acceptedMandateWorld() {
  const world = await mandateWorld();
  const { mandates, stranger, households, terms } = world;
  const signature = await signMandate(households[0].members[0].wallet, mandates, terms);
  await mandates.connect(stranger).acceptMandate(terms, signature);
  return { ...world, mandateId: await mandateIdOf(mandates, terms), mandateSignature: signature };
}

/** A premium receipt under `terms` in `period` (the insurance programme's current one if omitted). */
export async function premiumReceipt(
  world: Pick<MandateWorld, "ledger" | "terms">,
  overrides: Partial<Receipt> = {},
  period?: bigint,
): Promise<Receipt> {
  const { terms } = world;
  const p = period ?? (await world.ledger.currentPeriod(terms.programmeId));
  return {
    programmeId: terms.programmeId,
    beneficiaryRef: terms.beneficiaryRef,
    householdRef: terms.householdRef,
    vendor: terms.insurer,
    amount: terms.premiumPerPeriod,
    evidenceHash: ethers.id("evidence: premium for the period"),
    nonce: receiptNonceOf(p, terms.receiptIndex),
    deadline: BigInt((await time.latest()) + DAY),
    ...overrides,
  };
}
