import { ValidationError } from "../../errors";
import type { WalletsContext } from "../context";
import { parseBeneficiaryRef } from "../inputs";
import type { Custody } from "../records";

export interface CreateCustodialWalletsParams {
  beneficiaryRefs: readonly string[];
}

export interface CustodialWalletResult {
  beneficiaryRef: string;
  /** Lower-case address of the wallet the beneficiary is bound to. */
  address: string;
  custody: Custody;
  /** False when the beneficiary already had a wallet, which is kept as it is. */
  created: boolean;
}

/** Reason recorded in the binding history for a first custodial wallet. */
export const CUSTODIAL_ENROLMENT_REASON = "custodial_enrolment";

/**
 * Creates and binds a custodial wallet for each beneficiary without one, for people without a
 * smartphone. One transaction for the whole batch (keys, bindings, history), so ten thousand wallets
 * are a few seconds of work and a failure leaves nothing behind. Re-running with the same refs is
 * harmless: those already bound are returned with `created: false`.
 */
export async function createCustodialWallets(
  ctx: WalletsContext,
  { beneficiaryRefs }: CreateCustodialWalletsParams,
): Promise<CustodialWalletResult[]> {
  if (!Array.isArray(beneficiaryRefs)) {
    throw new ValidationError("beneficiaryRefs", "format", "beneficiaryRefs must be a list");
  }
  const seen = new Set<string>();
  beneficiaryRefs.forEach((ref, i) => {
    parseBeneficiaryRef(ref, `beneficiaryRefs[${i}]`);
    if (seen.has(ref))
      throw new ValidationError(`beneficiaryRefs[${i}]`, "duplicate", "A beneficiary appears twice");
    seen.add(ref);
  });

  return ctx.db.transaction(() => {
    const at = ctx.now().toISOString();
    const existing = new Map(
      beneficiaryRefs.flatMap((ref) => {
        const binding = ctx.records.binding(ref);
        return binding ? [[ref, binding] as const] : [];
      }),
    );
    const missing = beneficiaryRefs.filter((ref) => !existing.has(ref));
    const addresses = ctx.keystore.createMany("custodial", missing);
    const created = new Map(missing.map((ref, i) => [ref, addresses[i]!]));
    for (const [ref, address] of created)
      ctx.records.bind(ref, address, "custodial", CUSTODIAL_ENROLMENT_REASON, at);

    return beneficiaryRefs.map((beneficiaryRef) => {
      const binding = existing.get(beneficiaryRef);
      return binding
        ? { beneficiaryRef, address: binding.address, custody: binding.custody, created: false }
        : {
            beneficiaryRef,
            address: created.get(beneficiaryRef)!,
            custody: "custodial" as const,
            created: true,
          };
    });
  })();
}
