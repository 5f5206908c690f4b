import type { ChainEvent } from "../types";

/** Mirrors `LicenceKind` and `LicenceStatus` in contracts/types/AidTypes.sol. */
export const LicenceKind = {
  Charity: 1,
  Vendor: 2,
  FieldAgent: 3,
  Auditor: 4,
  Registrar: 5,
  Coordinator: 6,
} as const;
const Status = { None: 0, Active: 1, Suspended: 2, Revoked: 3, RevocationPending: 4 } as const;

interface Licence {
  layers: number;
  categories: bigint;
  validFrom: number;
  validUntil: number;
  status: number;
}

/** Every licence as the registry's events leave it, replayed in chain order. */
export class LicenceBook {
  private readonly licences = new Map<string, Licence>();

  private key(holder: string, kind: number): string {
    return `${holder.toLowerCase()}:${kind}`;
  }

  apply(event: ChainEvent): void {
    const { args } = event;
    // The registry's role events (AccessControl) name no licence holder.
    if (typeof args.holder !== "string") return;
    const key = this.key(args.holder as string, Number(args.kind));
    const licence = this.licences.get(key);
    switch (event.name) {
      case "LicenceGranted":
        this.licences.set(key, {
          layers: Number(args.layers),
          categories: args.categories as bigint,
          validFrom: Number(args.validFrom),
          validUntil: Number(args.validUntil),
          status: Status.Active,
        });
        return;
      case "LicenceSuspended":
        if (licence) licence.status = Status.Suspended;
        return;
      case "LicenceReinstated":
        if (licence) licence.status = Status.Active;
        return;
      case "LicenceRevocationProposed":
        if (licence) licence.status = Status.RevocationPending;
        return;
      case "LicenceRevocationCancelled":
        if (licence) licence.status = Number(args.restoredStatus);
        return;
      case "LicenceRevocationFinalised":
        if (licence) licence.status = Status.Revoked;
    }
  }

  /** `LicenceRegistry.isLicensed` at second `at`: active, inside its window, for the layer and category. */
  isLicensed(holder: string, kind: number, at: number, layer?: number, category?: number): boolean {
    const licence = this.licences.get(this.key(holder, kind));
    if (!licence || licence.status !== Status.Active) return false;
    if (at < licence.validFrom || at > licence.validUntil) return false;
    if (layer === undefined || category === undefined) return true;
    return (licence.layers & (1 << layer)) !== 0 && ((licence.categories >> BigInt(category)) & 1n) === 1n;
  }
}
