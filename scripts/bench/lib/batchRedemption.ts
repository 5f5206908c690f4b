import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { RECEIPT_TYPES, receiptDomain, type Receipt } from "../../../test/contracts/helpers/ledger";
import { DAY, ref, UNIT, type SystemFixture } from "../../../test/contracts/helpers/system";
import type { Measurement } from "./scenarios";
import { fundedProgramme, gasUsed } from "./world";

/** The batch sizes measured, per redemption, beside the single `redeem` baseline. */
export const REDEEM_BATCH_SIZES = [1, 10, 50, 100] as const;

const AMOUNT = 20n * UNIT;

/**
 * (4b) `redeemBatch` of 1, 10, 50 and 100 receipts, each of another household with its own wallet (a
 * distribution day at one vendor), in a programme where the vendor already holds credit (one single
 * `redeem` first), as the `redeem` baseline row is measured.
 */
export async function batchRedemption(system: SystemFixture): Promise<Measurement[]> {
  const { registry, registrar, ledger, charity, vendor } = system;
  const measurements: Measurement[] = [];
  const domain = await receiptDomain(ledger);
  for (const size of REDEEM_BATCH_SIZES) {
    const members = Array.from({ length: size + 1 }, (_, i) => {
      const wallet = new ethers.Wallet(ethers.id(`sintech bench batch ${size} signer ${i}`));
      return {
        signer: wallet,
        beneficiaryRef: ref("beneficiary", `bench-batch-${size}-${i}`),
        householdRef: ref("household", `bench-batch-${size}-${i}`),
        wallet: wallet.address,
      };
    });
    await registry.connect(registrar).registerBatch(members.map(({ signer: _, ...m }) => m));
    const programmeId = await fundedProgramme(system, BigInt(size + 1) * 50n * UNIT);
    await ledger.connect(charity).issueBatch(
      programmeId,
      members.map((m) => m.beneficiaryRef),
      members.map((m) => m.householdRef),
      50n * UNIT,
    );
    const deadline = BigInt((await time.latest()) + DAY);
    const items = await Promise.all(
      members.map(async (m, i) => {
        const receipt: Receipt = {
          programmeId,
          beneficiaryRef: m.beneficiaryRef,
          householdRef: m.householdRef,
          vendor: vendor.address,
          amount: AMOUNT,
          evidenceHash: ethers.id(`batch delivery ${size}-${i}`),
          nonce: await ledger.receiptNonce(programmeId, m.householdRef),
          deadline,
        };
        const beneficiarySignature = await m.signer.signTypedData(domain, RECEIPT_TYPES, receipt);
        return { receipt, beneficiarySignature, fieldAgentSignature: "0x" };
      }),
    );
    const [first, ...batch] = items;
    await ledger.connect(vendor).redeem(first.receipt, first.beneficiarySignature, "0x");
    const gas = await gasUsed(ledger.connect(vendor).redeemBatch(batch));
    measurements.push({
      id: `redeemBatch.${size}`,
      operation: `redeemBatch, ${size} receipt${size === 1 ? "" : "s"} (vendor already credited)`,
      gas,
      households: size,
    });
  }
  return measurements;
}
