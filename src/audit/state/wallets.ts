import type { ChainEvent } from "../types";

const ACTIVE = 1;

interface Beneficiary {
  householdRef: string;
  wallet: string;
  status: number;
  previous?: { wallet: string; graceEndsAt: bigint };
}

/** Who may sign for whom, as the beneficiary registry's events leave it, replayed in chain order. */
export class WalletBook {
  private readonly beneficiaries = new Map<string, Beneficiary>();
  private readonly householdOfWallet = new Map<string, string>();

  apply(event: ChainEvent): void {
    const { args } = event;
    const ref = (args.beneficiaryRef as string | undefined)?.toLowerCase();
    if (!ref) return;
    const beneficiary = this.beneficiaries.get(ref);
    switch (event.name) {
      case "BeneficiaryRegistered": {
        const householdRef = (args.householdRef as string).toLowerCase();
        const wallet = (args.wallet as string).toLowerCase();
        this.beneficiaries.set(ref, { householdRef, wallet, status: ACTIVE });
        this.householdOfWallet.set(wallet, householdRef);
        return;
      }
      case "WalletRebound":
        if (!beneficiary) return;
        this.householdOfWallet.delete(beneficiary.wallet);
        beneficiary.wallet = (args.newWallet as string).toLowerCase();
        beneficiary.previous = undefined;
        this.householdOfWallet.set(beneficiary.wallet, beneficiary.householdRef);
        return;
      case "PreviousWalletGraceStarted":
        if (beneficiary) {
          beneficiary.previous = {
            wallet: (args.previousWallet as string).toLowerCase(),
            graceEndsAt: args.graceEndsAt as bigint,
          };
        }
        return;
      case "PreviousWalletVoided":
        if (beneficiary) beneficiary.previous = undefined;
        return;
      case "BeneficiaryStatusChanged":
        if (beneficiary) beneficiary.status = Number(args.newStatus);
    }
  }

  /** `activeWalletIn`: the wallet bound to an active beneficiary of that household, else undefined. */
  activeWalletIn(beneficiaryRef: string, householdRef: string): string | undefined {
    const beneficiary = this.beneficiaries.get(beneficiaryRef.toLowerCase());
    if (!beneficiary || beneficiary.status !== ACTIVE) return undefined;
    return beneficiary.householdRef === householdRef.toLowerCase() ? beneficiary.wallet : undefined;
  }

  /** The wallet the latest plain rebind replaced, while its receipts are still accepted. */
  previousWalletOf(beneficiaryRef: string): { wallet: string; graceEndsAt: bigint } | undefined {
    return this.beneficiaries.get(beneficiaryRef.toLowerCase())?.previous;
  }

  householdOf(wallet: string): string | undefined {
    return this.householdOfWallet.get(wallet.toLowerCase());
  }
}
