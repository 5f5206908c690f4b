import { ethers } from "hardhat";
import type { Wallet } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { alignToPeriodStart, createGroup, createProgramme, programmeParams } from "../helpers/ledger";
import { ALL_CATEGORIES, ALL_LAYERS, DAY, LicenceKind, PERIOD, deployedSystem, ref } from "../helpers/system";

/** How many one-member households the handler issues to. */
export const HOUSEHOLD_COUNT = 8;
/** How many programmes the world runs: three in the exclusivity group, one without a group. */
export const PROGRAMME_COUNT = 4;

/** A programme of the world, as the model needs to know it. */
export interface ProgrammeInfo {
  id: bigint;
  charity: HardhatEthersSigner;
  /** 0 for the group-less programme. */
  groupId: bigint;
  endsAt: bigint;
  minGift: bigint;
  capPerPeriod: bigint;
}

/** A registered household of one member, whose wallet can sign receipts offline. */
export interface HouseholdInfo {
  householdRef: string;
  beneficiaryRef: string;
  wallet: Wallet;
}

/**
 * Three programmes of two charities in one exclusivity group (the third ends by itself a little before
 * the second period does, so runs meet a natural end as well as closures) and a group-less programme;
 * eight registered households. The group starts with a cap of 1; a run may raise it to 2 first. Vendors
 * may collect their settlements to `payee`, an address that holds nothing else.
 */
export async function invariantWorld() {
  const system = await deployedSystem();
  const {
    licences,
    regulator,
    registry,
    registrar,
    ledger,
    token,
    charity,
    charity2,
    vendor,
    vendor2,
    auditor,
  } = system;

  // The fixture licenses for one year; twenty jumps of up to two periods would outlive that.
  const now = await time.latest();
  const renewals: [HardhatEthersSigner, number][] = [
    [charity, LicenceKind.Charity],
    [charity2, LicenceKind.Charity],
    [vendor, LicenceKind.Vendor],
    [vendor2, LicenceKind.Vendor],
    [registrar, LicenceKind.Registrar],
    [auditor, LicenceKind.Auditor],
  ];
  for (const [holder, kind] of renewals) {
    await licences
      .connect(regulator)
      .grantLicence(
        holder.address,
        kind,
        ALL_LAYERS,
        ALL_CATEGORIES,
        now,
        now + 20 * 365 * DAY,
        "bafy-renewal",
      );
  }

  const households: HouseholdInfo[] = Array.from({ length: HOUSEHOLD_COUNT }, (_, i) => ({
    householdRef: ref("household", `invariant-${i}`),
    beneficiaryRef: ref("beneficiary", `invariant-${i}`),
    wallet: new ethers.Wallet(ethers.id(`sintech invariant household ${i}`)),
  }));
  await registry.connect(registrar).registerBatch(
    households.map((h) => ({
      beneficiaryRef: h.beneficiaryRef,
      householdRef: h.householdRef,
      wallet: h.wallet.address,
    })),
  );

  const periodStart = await alignToPeriodStart();
  const groupId = await createGroup(ledger, regulator, token, {
    admit: [charity, charity2],
    minEntitlement: 1n,
  });
  const layout: [HardhatEthersSigner, bigint, number][] = [
    [charity, groupId, 12 * PERIOD],
    [charity2, groupId, 12 * PERIOD],
    [charity2, groupId, 2 * PERIOD - 5 * DAY],
    [charity, 0n, 12 * PERIOD],
  ];
  const programmes: ProgrammeInfo[] = [];
  for (const [programmeCharity, programmeGroup, lifetime] of layout) {
    const params = await programmeParams(token, {
      groupId: programmeGroup,
      endsAt: periodStart + lifetime,
      vendors: [vendor.address, vendor2.address],
    });
    const id = await createProgramme(ledger, programmeCharity, params);
    programmes.push({
      id,
      charity: programmeCharity,
      groupId: programmeGroup,
      endsAt: BigInt(params.endsAt),
      minGift: BigInt(params.minGift),
      capPerPeriod: BigInt(params.capPerPeriod),
    });
  }
  if (programmes.length !== PROGRAMME_COUNT) throw new Error("the layout must match PROGRAMME_COUNT");
  const payee = new ethers.Wallet(ethers.id("sintech invariant payee")).address;
  return { ...system, groupId, programmes, households, payee };
}

export type InvariantWorld = Awaited<ReturnType<typeof invariantWorld>>;
