import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HDNodeWallet, Wallet } from "ethers";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  LicenceKind,
  type SystemFixture,
} from "../../../test/contracts/helpers/system";
import { CONFIRMATION_TYPES } from "../../../test/contracts/timebank/fixture";
import type { Measurement } from "./scenarios";
import { gasUsed } from "./world";

/** The coordinator batch measured, per service. */
export const TIME_BANK_BATCH = 100;
const LIMIT = 10_000;
const CATEGORY = 3;

type Member = Wallet | HDNodeWallet;

/** `count` admitted members with gas, each a key of its own (givers send their own transactions). */
async function admitted(
  system: SystemFixture,
  coordinator: Member,
  label: string,
  count: number,
): Promise<Member[]> {
  const members = Array.from(
    { length: count },
    (_, i) => new ethers.Wallet(ethers.id(`sintech bench timebank ${label} ${i}`), ethers.provider),
  );
  for (const [i, member] of members.entries()) {
    await network.provider.send("hardhat_setBalance", [member.address, "0x56bc75e2d63100000"]);
    await system.timeBank
      .connect(coordinator)
      .admitMember(ethers.id(`bench member ${label} ${i}`), member.address, LIMIT);
  }
  return members;
}

/**
 * (6) The time bank: a signed service (log and the recipient's EIP-712 confirmation in one `recordService`),
 * for a pair's first service and for a later one; and a coordinator's `confirmByCoordinator` and `payFromPool`
 * of `TIME_BANK_BATCH` logged services, each of another giver and another recipient (no slot shared).
 */
export async function timeBank(system: SystemFixture): Promise<Measurement[]> {
  const { licences, regulator, timeBank: bank } = system;
  const coordinator = new ethers.Wallet(ethers.id("sintech bench timebank coordinator"), ethers.provider);
  await network.provider.send("hardhat_setBalance", [coordinator.address, "0x56bc75e2d63100000"]);
  const now = await time.latest();
  await licences
    .connect(regulator)
    .grantLicence(
      coordinator.address,
      LicenceKind.Coordinator,
      ALL_LAYERS,
      ALL_CATEGORIES,
      now,
      now + 365 * DAY,
      "",
    );
  const domain = {
    name: "Sin Tech TimeBank",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await bank.getAddress(),
  };
  const [giver, recipient] = await admitted(system, coordinator, "pair", 2);
  const signedService = async (evidence: string) => {
    const service = {
      recipient: recipient!.address,
      duration: 90,
      category: CATEGORY,
      evidenceHash: ethers.id(evidence),
      nonce: (await bank.accountOf(recipient!.address)).nonce,
      deadline: (await time.latest()) + DAY,
    };
    const signature = await recipient!.signTypedData(domain, CONFIRMATION_TYPES, {
      giver: giver!.address,
      ...service,
    });
    return gasUsed(bank.connect(giver!).recordService(service, signature));
  };
  const first = await signedService("first");
  const later = await signedService("later");

  const batch = async (kind: "confirm" | "pool"): Promise<number> => {
    const givers = await admitted(system, coordinator, `${kind} givers`, TIME_BANK_BATCH);
    const recipients = await admitted(system, coordinator, `${kind} recipients`, TIME_BANK_BATCH);
    const ids: string[] = [];
    for (const [i, g] of givers.entries()) {
      const logs = (await bank.accountOf(g.address)).logs;
      await bank.connect(g).logService(recipients[i]!.address, 60, CATEGORY, ethers.id(`${kind} ${i}`));
      ids.push(
        ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint32"], [g.address, logs])),
      );
    }
    const call =
      kind === "pool"
        ? bank.connect(coordinator).payFromPool
        : bank.connect(coordinator).confirmByCoordinator;
    return gasUsed(call(ids));
  };
  const confirmed = await batch("confirm");
  // The pool pays only from donated credit: the pair's giver earns 6,180 minutes and gives them to the pool.
  await bank.connect(giver!).donate(ethers.ZeroAddress, 180);
  for (let i = 0; i < 60; i++) {
    const service = {
      recipient: recipient!.address,
      duration: 100,
      category: CATEGORY,
      evidenceHash: ethers.ZeroHash,
      nonce: (await bank.accountOf(recipient!.address)).nonce,
      deadline: (await time.latest()) + DAY,
    };
    const signature = await recipient!.signTypedData(domain, CONFIRMATION_TYPES, {
      giver: giver!.address,
      ...service,
    });
    await bank.connect(giver!).recordService(service, signature);
  }
  await bank.connect(giver!).donate(ethers.ZeroAddress, 6_000);
  const pooled = await batch("pool");
  return [
    {
      id: "timebank.record.first",
      operation: "recordService (log + signed confirmation), pair's first",
      gas: first,
      households: 1,
    },
    {
      id: "timebank.record",
      operation: "recordService (log + signed confirmation), later",
      gas: later,
      households: 1,
    },
    {
      id: `timebank.confirmBatch.${TIME_BANK_BATCH}`,
      operation: `confirmByCoordinator, ${TIME_BANK_BATCH} logged services`,
      gas: confirmed,
      households: TIME_BANK_BATCH,
    },
    {
      id: `timebank.payFromPool.${TIME_BANK_BATCH}`,
      operation: `payFromPool, ${TIME_BANK_BATCH} logged services`,
      gas: pooled,
      households: TIME_BANK_BATCH,
    },
  ];
}
