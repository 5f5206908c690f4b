import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { alignToPeriodStart, createProgramme, programmeParams } from "../../../test/contracts/helpers/ledger";
import { deployedSystem, ref, UNIT, type SystemFixture } from "../../../test/contracts/helpers/system";

/** One beneficiary as `BeneficiaryRegistry.registerBatch` takes it. */
export interface Registration {
  beneficiaryRef: string;
  householdRef: string;
  wallet: string;
}

/**
 * The deployed, licensed system (the contract tests' own fixture) with the chain moved to the start of a
 * period, so every measurement of the run lands in one period.
 */
export async function benchWorld(): Promise<SystemFixture> {
  const system = await deployedSystem();
  await alignToPeriodStart();
  return system;
}

/** The gas a transaction used. */
export async function gasUsed(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

/** A deterministic address nobody holds a key for: a fresh recipient or a registered wallet. */
export function freshAddress(label: string): string {
  return ethers.getAddress(ethers.dataSlice(ethers.id(`sintech bench ${label}`), 12));
}

/** Single-member households `from` to `to - 1`, each with a fresh wallet. */
export function registrations(from: number, to: number): Registration[] {
  return Array.from({ length: to - from }, (_, k) => ({
    beneficiaryRef: ref("beneficiary", `bench-${from + k}`),
    householdRef: ref("household", `bench-${from + k}`),
    wallet: freshAddress(`wallet ${from + k}`),
  }));
}

/** A group-less programme of `charity` with `vendor` allowed, funded by one gift of `budget` from `donor`. */
export async function fundedProgramme(system: SystemFixture, budget: bigint): Promise<bigint> {
  const { ledger, charity, donor, token, vendor } = system;
  const params = await programmeParams(token, { vendors: [vendor.address] });
  const programmeId = await createProgramme(ledger, charity, params);
  await ledger.connect(donor).give(programmeId, budget, ethers.ZeroHash, ethers.ZeroAddress, 0);
  return programmeId;
}

/** Entitlement size used throughout: one settlement-token unit per household. */
export const ENTITLEMENT = UNIT;
