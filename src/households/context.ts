import type { Store } from "../db";
import { PiiVault, type MasterKeyRing, type PepperRing } from "../identity";

/** What every household use-case runs against; built once at boot from the validated configuration. */
export interface HouseholdContext {
  store: Store;
  peppers: PepperRing;
  vault: PiiVault;
  now: () => Date;
}

export interface CreateHouseholdContextParams {
  store: Store;
  peppers: PepperRing;
  masterKeys: MasterKeyRing;
  now?: () => Date;
}

export function createHouseholdContext({
  store,
  peppers,
  masterKeys,
  now = () => new Date(),
}: CreateHouseholdContextParams): HouseholdContext {
  return { store, peppers, vault: new PiiVault(masterKeys, store, now), now };
}
