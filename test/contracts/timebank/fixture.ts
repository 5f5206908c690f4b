import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { TimeBank } from "../../../typechain-types";
import type { ITimeBank } from "../../../typechain-types/contracts/timebank/TimeBank";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  LicenceKind,
  deployedSystem,
  type SystemFixture,
} from "../helpers/system";

/** Mirrors `MemberStatus` in contracts/types/AidTypes.sol. */
export const MemberStatus = { None: 0, Active: 1, Suspended: 2, Removed: 3 } as const;

export const CARE = 3;
export const LIMIT = 600;

export interface TimeBankFixture extends SystemFixture {
  timeBank: TimeBank;
  coordinator: HardhatEthersSigner;
  coordinator2: HardhatEthersSigner;
  /** Admitted, active members with a credit limit of `LIMIT` minutes each. */
  members: HardhatEthersSigner[];
}

/** A pseudonymous member reference (the gateway's keyed HMAC in production; tests only). */
export function memberRef(n: number | string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(`test-member-${n}`));
}

/** A service as a recipient signs it, with the recipient's current nonce and a day to use it. */
export async function serviceFor(
  timeBank: TimeBank,
  recipient: HardhatEthersSigner,
  duration: number,
  overrides: Partial<ITimeBank.ServiceStruct> = {},
): Promise<ITimeBank.ServiceStruct> {
  const account = await timeBank.accountOf(recipient.address);
  return {
    recipient: recipient.address,
    duration,
    category: CARE,
    evidenceHash: ethers.ZeroHash,
    nonce: account.nonce,
    deadline: (await time.latest()) + DAY,
    ...overrides,
  };
}

/** The EIP-712 types of a recipient's confirmation, as a wallet signs them. */
export const CONFIRMATION_TYPES = {
  ServiceConfirmation: [
    { name: "giver", type: "address" },
    { name: "recipient", type: "address" },
    { name: "duration", type: "uint32" },
    { name: "category", type: "uint8" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint40" },
  ],
};

/** The recipient's signature of `service` given by `giver`, under the given domain (this contract's by default). */
export async function signConfirmation(
  timeBank: TimeBank,
  signer: HardhatEthersSigner,
  giver: string,
  service: ITimeBank.ServiceStruct,
  domain: { chainId?: bigint | number; verifyingContract?: string } = {},
): Promise<string> {
  return signer.signTypedData(
    {
      name: "Sin Tech TimeBank",
      version: "1",
      chainId: domain.chainId ?? (await ethers.provider.getNetwork()).chainId,
      verifyingContract: domain.verifyingContract ?? (await timeBank.getAddress()),
    },
    CONFIRMATION_TYPES,
    { giver, ...service },
  );
}

/** Logs a pending service and returns its id. */
export async function logPending(
  timeBank: TimeBank,
  giver: HardhatEthersSigner,
  recipient: HardhatEthersSigner,
  duration: number,
): Promise<string> {
  const logs = (await timeBank.accountOf(giver.address)).logs;
  await timeBank.connect(giver).logService(recipient.address, duration, CARE, ethers.ZeroHash);
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint32"], [giver.address, logs]),
  );
}

/**
 * The deployed system with two licensed coordinators and five admitted members (the fixture's beneficiaries'
 * wallets; a beneficiary household's members can be members too). Used with `loadFixture`.
 */
export async function timeBankFixture(): Promise<TimeBankFixture> {
  const system = await deployedSystem();
  // The fixture's last two beneficiary signers are nobody else's: they become the coordinators.
  const [coordinator, coordinator2] = system.beneficiaries.slice(5, 7);
  const now = await time.latest();
  for (const holder of [coordinator, coordinator2]) {
    await system.licences
      .connect(system.regulator)
      .grantLicence(
        holder.address,
        LicenceKind.Coordinator,
        ALL_LAYERS,
        ALL_CATEGORIES,
        now,
        now + 365 * DAY,
        "",
      );
  }
  const members = system.beneficiaries.slice(0, 5);
  for (const [i, member] of members.entries()) {
    await system.timeBank.connect(coordinator).admitMember(memberRef(i), member.address, LIMIT);
  }
  return { ...system, coordinator, coordinator2, members };
}
