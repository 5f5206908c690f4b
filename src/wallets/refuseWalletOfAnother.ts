import { DuplicateError } from "../errors";
import type { WalletRecords } from "./records";

/** One wallet serves one beneficiary, as the BeneficiaryRegistry enforces on chain: caught here first. */
export function refuseWalletOfAnother(
  records: WalletRecords,
  address: string,
  beneficiaryRef: string,
  field: string,
): void {
  const holder = records.bindingOfAddress(address);
  if (holder && holder.beneficiaryRef !== beneficiaryRef) {
    throw new DuplicateError(
      field,
      "wallet_bound_elsewhere",
      "This wallet is already bound to another beneficiary",
    );
  }
}
