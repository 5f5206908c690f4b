import { NotFoundError } from "../errors";
import type { WalletsContext } from "./context";
import { parseBeneficiaryRef } from "./inputs";
import type { BindingChange, WalletBinding } from "./records";

export interface GetWalletBindingParams {
  beneficiaryRef: string;
}

export interface WalletBindingWithHistory extends WalletBinding {
  /** Every binding and rebinding, oldest first. */
  history: BindingChange[];
}

/** The beneficiary's current wallet and how it got there. */
export async function getWalletBinding(
  ctx: WalletsContext,
  params: GetWalletBindingParams,
): Promise<WalletBindingWithHistory> {
  const beneficiaryRef = parseBeneficiaryRef(params.beneficiaryRef);
  const binding = ctx.records.binding(beneficiaryRef);
  if (!binding) throw new NotFoundError("beneficiaryRef", "No wallet is bound to this beneficiary");
  return { ...binding, history: ctx.records.history(beneficiaryRef) };
}
