import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  RECEIPT_TYPES,
  alignToPeriodStart,
  entitlementLeaf,
  receiptDomain,
} from "../../../test/contracts/helpers/ledger";
import { MerkleTree, merkleLeaf } from "../../../test/contracts/helpers/merkle";
import { DAY, PERIOD, ref, UNIT, type SystemFixture } from "../../../test/contracts/helpers/system";
import { ENTITLEMENT, freshAddress, fundedProgramme, gasUsed, registrations } from "./world";

/** One measured transaction: its gas and how many households (or receipts) it serves. */
export interface Measurement {
  id: string;
  operation: string;
  gas: number;
  households: number;
}

/** Gas of one OpenZeppelin ERC-20 `transfer` from a holder to an address that never held the token. */
export async function erc20TransferBaseline({ token, donor }: SystemFixture): Promise<number> {
  return gasUsed(token.connect(donor).transfer(freshAddress("transfer recipient"), UNIT));
}

/** (1) `registerBatch` of 100 new single-member households. */
export async function registration({ registry, registrar }: SystemFixture): Promise<Measurement[]> {
  const gas = await gasUsed(registry.connect(registrar).registerBatch(registrations(0, 100)));
  return [{ id: "register.100", operation: "registerBatch, 100 beneficiaries", gas, households: 100 }];
}

/**
 * (2) `issueBatch` at 1, 100 and 500 households of one funded programme, each household new to it.
 * Uses the 100 households of {@link registration} and registers 501 more.
 */
export async function issuance(system: SystemFixture): Promise<Measurement[]> {
  const { registry, registrar, ledger, charity } = system;
  await registry.connect(registrar).registerBatch(registrations(100, 350));
  await registry.connect(registrar).registerBatch(registrations(350, 601));
  const programmeId = await fundedProgramme(system, 1000n * UNIT);
  const measurements: Measurement[] = [];
  for (const [from, to] of [
    [600, 601],
    [0, 100],
    [100, 600],
  ]) {
    const batch = registrations(from, to);
    const gas = await gasUsed(
      ledger.connect(charity).issueBatch(
        programmeId,
        batch.map((r) => r.beneficiaryRef),
        batch.map((r) => r.householdRef),
        ENTITLEMENT,
      ),
    );
    const size = to - from;
    measurements.push({
      id: `issue.${size}`,
      operation: `issueBatch, ${size} household${size === 1 ? "" : "s"}`,
      gas,
      households: size,
    });
  }
  return measurements;
}

/**
 * (3) `publishRound` of a 100-leaf and a 10,000-leaf round (after a first round, so neither pays for the
 * round counter's first write), and one `claim` with a real proof from the 10,000-leaf tree. The first
 * 601 leaves are the registered households; the rest stand for households registered elsewhere.
 */
export async function merkleRound(system: SystemFixture): Promise<Measurement[]> {
  const { ledger, charity, registrar } = system;
  const programmeId = await fundedProgramme(system, 20_000n * UNIT);
  const publish = (root: string, leaves: number, uri: string) =>
    ledger.connect(charity).publishRound(programmeId, root, BigInt(leaves) * ENTITLEMENT, leaves, uri);
  await (await publish(ethers.id("warm-up round"), 1, "ipfs://bafy-round-warmup")).wait();

  const registered = registrations(0, 601);
  const entries = Array.from({ length: 10_000 }, (_, i) =>
    i < registered.length
      ? registered[i]
      : { beneficiaryRef: ref("beneficiary", `round-${i}`), householdRef: ref("household", `round-${i}`) },
  );
  const leaves = entries.map((e) => entitlementLeaf(e.beneficiaryRef, e.householdRef, ENTITLEMENT));
  const small = new MerkleTree(leaves.slice(0, 100));
  const large = new MerkleTree(leaves);
  // URIs of equal length, so calldata differs only in the root and the numbers.
  const gasSmall = await gasUsed(publish(small.root, 100, "ipfs://bafy-round-00100"));
  const receipt = await (await publish(large.root, 10_000, "ipfs://bafy-round-10000")).wait();
  const roundId = ledger.interface.parseLog(receipt!.logs[0])!.args.roundId as bigint;

  const claimed = 600;
  const proof = large.proof(claimed);
  const gasClaim = await gasUsed(
    ledger
      .connect(registrar)
      .claim(roundId, entries[claimed].beneficiaryRef, entries[claimed].householdRef, ENTITLEMENT, proof),
  );
  return [
    { id: "round.publish.100", operation: "publishRound, 100 leaves", gas: gasSmall, households: 100 },
    {
      id: "round.publish.10000",
      operation: "publishRound, 10,000 leaves",
      gas: Number(receipt!.gasUsed),
      households: 10_000,
    },
    {
      id: "round.claim",
      operation: `claim, 10,000-leaf round (proof of ${proof.length})`,
      gas: gasClaim,
      households: 1,
    },
  ];
}

/**
 * (4) `redeem` of a partial amount against the beneficiary's EIP-712 receipt, twice (the vendor's first
 * credit in the programme, then a second one), then once more in the next period, the vendor's first
 * redemption there (its credit account rolls: the previous period's credit stays pending, in the slot beside
 * it); an auditor's flag of that last one and its upholding; and, once every dispute window has closed, the
 * vendor's `collectSettlement` of the other two: the one token transfer, to a vendor that has never held the
 * token.
 */
export async function redemption(system: SystemFixture): Promise<Measurement[]> {
  const { registry, registrar, ledger, charity, vendor } = system;
  const signers = [0, 1].map((i) => new ethers.Wallet(ethers.id(`sintech bench signer ${i}`)));
  const members = signers.map((wallet, i) => ({
    beneficiaryRef: ref("beneficiary", `bench-signer-${i}`),
    householdRef: ref("household", `bench-signer-${i}`),
    wallet: wallet.address,
  }));
  await registry.connect(registrar).registerBatch(members);
  const programmeId = await fundedProgramme(system, 1000n * UNIT);
  const issue = () =>
    ledger.connect(charity).issueBatch(
      programmeId,
      members.map((m) => m.beneficiaryRef),
      members.map((m) => m.householdRef),
      50n * UNIT,
    );
  await issue();
  const domain = await receiptDomain(ledger);
  const redeem = async (i: number) => {
    const receipt = {
      programmeId,
      beneficiaryRef: members[i].beneficiaryRef,
      householdRef: members[i].householdRef,
      vendor: vendor.address,
      amount: 20n * UNIT,
      evidenceHash: ethers.id(`delivery ${i}`),
      nonce: await ledger.receiptNonce(programmeId, members[i].householdRef),
      deadline: BigInt((await time.latest()) + DAY),
    };
    const signature = await signers[i].signTypedData(domain, RECEIPT_TYPES, receipt);
    lastReceipt = receipt;
    return gasUsed(ledger.connect(vendor).redeem(receipt, signature, "0x"));
  };
  let lastReceipt: Parameters<typeof ledger.flagRedemption>[0] | undefined;
  const firstCredit = await redeem(0);
  const secondCredit = await redeem(1);
  await time.increaseTo((await alignToPeriodStart()) + DAY);
  await issue();
  const newPeriod = await redeem(0);
  // An auditor flags the last redemption (holding its 20) and upholds it (one gift lot reversed).
  const flagged = lastReceipt!;
  const flag = await gasUsed(ledger.connect(system.auditor).flagRedemption(flagged, "bafy-bench-reason"));
  const redemptionId = await ledger.receiptDigest(flagged);
  const uphold = await gasUsed(
    ledger.connect(system.auditor).resolveFlag(redemptionId, true, "bafy-bench-report"),
  );
  await time.increase(PERIOD + Number(await ledger.DISPUTE_WINDOW()));
  const collect = await gasUsed(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress));
  return [
    { id: "redeem", operation: "redeem, vendor already credited", gas: secondCredit, households: 1 },
    { id: "redeem.firstCredit", operation: "redeem, vendor's first credit", gas: firstCredit, households: 1 },
    {
      id: "redeem.newPeriod",
      operation: "redeem, vendor's first in a new period",
      gas: newPeriod,
      households: 1,
    },
    { id: "flag", operation: "flagRedemption, holding the vendor's credit", gas: flag, households: 1 },
    { id: "uphold", operation: "resolveFlag upheld, 1 gift lot reversed", gas: uphold, households: 1 },
    { id: "collect", operation: "collectSettlement of 2 redemptions", gas: collect, households: 2 },
  ];
}

/** (5) `ReceiptAnchor.anchor` of batches of 100 and 10,000 delivery confirmations. */
export async function anchoring({ anchor, registrar }: SystemFixture): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const count of [100, 10_000]) {
    const leaves = Array.from({ length: count }, (_, i) =>
      merkleLeaf(
        ["bytes32", "bytes32", "uint256", "uint64"],
        [ethers.id(`confirmation ${count}-${i}`), ref("household", `bench-${i % 601}`), ENTITLEMENT, i],
      ),
    );
    const root = new MerkleTree(leaves).root;
    const uri = `ipfs://bafy-receipts-${String(count).padStart(5, "0")}`;
    const gas = await gasUsed(anchor.connect(registrar).anchor(root, count, uri));
    const label = count.toLocaleString("en-US");
    measurements.push({
      id: `anchor.${count}`,
      operation: `anchor, ${label} receipts`,
      gas,
      households: count,
    });
  }
  return measurements;
}
