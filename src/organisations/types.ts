import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { PepperRing } from "../identity";

/** Roles an organisation can hold; the regulator is appointed on chain through the timelock instead. */
export const ORGANISATION_ROLES = [
  "charity",
  "vendor",
  "field_agent",
  "auditor",
  "registrar",
  "donor",
] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** The on-chain licence kind of each role (`LicenceKind` in contracts/types/AidTypes.sol); donors need none. */
export const LICENCE_KIND: Record<OrganisationRole, number | undefined> = {
  charity: 1,
  vendor: 2,
  field_agent: 3,
  auditor: 4,
  registrar: 5,
  donor: undefined,
};

export const LAYERS = ["relief", "support", "insurance"] as const;
export type LayerName = (typeof LAYERS)[number];

export interface Organisation {
  orgId: string;
  name: string;
  role: OrganisationRole;
  address: string;
  layers: LayerName[];
  categories: number[];
  validUntil: number | null;
  licenceStatus: "none" | "pending" | "active" | "failed";
  createdAt: string;
}

/** Creates a signing key owned by an organisation and returns its address. */
export interface OrganisationKeys {
  create(purpose: "organisation", owner: string): string;
}

export interface OrganisationDeps {
  db: Database;
  outbox: ChainOutbox;
  system: AidSystem;
  /** The gateway's operator account: regulator in the embedded default. */
  operator: string;
  keys: OrganisationKeys;
  /** Gives a new account gas: a balance on the embedded chain, nothing where gas is free (Besu, zero price). */
  fundGas(address: string): Promise<void>;
  /** Keys the fingerprints of repeated registrations (idempotency keys). */
  peppers: PepperRing;
  now(): Date;
}
