import { AppError } from "../../errors";
import { beneficiaryRef, type NationalId, type PhoneNumber } from "../../identity";
import { yieldToEventLoop } from "../../yieldToEventLoop";
import type { HouseholdContext } from "../context";
import { indexMemberPhones } from "./phoneIndex";

interface VaultMembers {
  members: { nationalId: string; phone?: string }[];
}

/**
 * Indexes the phone numbers of households enrolled before the keyed phone index existed (migration 13
 * queued them): each one's vault record is opened once, in memory, and its members' numbers become phone
 * refs. A household erased meanwhile has nothing to index. Runs at boot, in batches that yield to the
 * event loop; returns how many households it went through.
 */
export async function indexPhoneBacklog(ctx: HouseholdContext, batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = ctx.store.phoneRefs.backlog(batchSize);
    if (batch.length === 0) return total;
    ctx.store.transaction(() => {
      for (const householdRef of batch) {
        indexOne(ctx, householdRef);
        ctx.store.phoneRefs.backlogDone(householdRef);
      }
    });
    total += batch.length;
    await yieldToEventLoop();
  }
}

function indexOne(ctx: HouseholdContext, householdRef: string): void {
  let pii: VaultMembers;
  try {
    pii = ctx.vault.get<VaultMembers>(householdRef);
  } catch (error) {
    // Shredded or never stored: no number to index. Anything else (integrity) is a real fault.
    if (error instanceof AppError && (error.status === 404 || error.status === 410)) return;
    throw error;
  }
  const members = ctx.store.members.listByHousehold(householdRef);
  const withPhones = pii.members.flatMap((member) => {
    if (member.phone === undefined) return [];
    const record = members.find(
      (candidate) =>
        beneficiaryRef(ctx.peppers, member.nationalId as NationalId, candidate.pepperVersion) ===
        candidate.beneficiaryRef,
    );
    return record ? [{ beneficiaryRef: record.beneficiaryRef, phone: member.phone as PhoneNumber }] : [];
  });
  indexMemberPhones(ctx, householdRef, withPhones);
}
