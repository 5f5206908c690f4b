import { listOrganisations } from "./getOrganisation";
import { LICENCE_KIND, type Organisation, type OrganisationDeps } from "./types";

/** `LicenceStatus` in contracts/types/AidTypes.sol, by its index. */
export const CHAIN_LICENCE_STATUSES = [
  "none",
  "active",
  "suspended",
  "revoked",
  "revocation_pending",
] as const;
export type ChainLicenceStatus = (typeof CHAIN_LICENCE_STATUSES)[number];

export interface LicenceState {
  orgId: string;
  name: string;
  role: Organisation["role"];
  address: string;
  /** Where the gateway's grant stands (its chain write). */
  granted: Organisation["licenceStatus"];
  /** The licence as the chain holds it now. */
  status: ChainLicenceStatus;
  validUntil: string | null;
  /** While a revocation is pending: the first moment anyone may finalise it (the registry's delay). */
  revocationFinalAt: string | null;
}

/**
 * Every licensed organisation with its licence as the chain holds it: status (active, suspended, revoked,
 * revocation pending) and, for a pending revocation, when its delay ends. Donors hold no licence.
 */
export async function listLicenceStates(
  deps: Pick<OrganisationDeps, "db" | "system">,
): Promise<LicenceState[]> {
  const licences = deps.system.licences;
  const licensed = listOrganisations(deps).filter((org) => LICENCE_KIND[org.role] !== undefined);
  return Promise.all(
    licensed.map(async (org) => {
      const kind = LICENCE_KIND[org.role]!;
      const [licence, pending] = await Promise.all([
        licences.licenceOf(org.address, kind),
        licences.pendingRevocationOf(org.address, kind),
      ]);
      const status = CHAIN_LICENCE_STATUSES[Number(licence.status)] ?? "none";
      return {
        orgId: org.orgId,
        name: org.name,
        role: org.role,
        address: org.address,
        granted: org.licenceStatus,
        status,
        validUntil:
          licence.validUntil > 0n ? new Date(Number(licence.validUntil) * 1000).toISOString() : null,
        revocationFinalAt:
          status === "revocation_pending" ? new Date(Number(pending.finalAt) * 1000).toISOString() : null,
      };
    }),
  );
}
