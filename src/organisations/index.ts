/** Organisations: onboarding charities, vendors, field agents, auditors and donors with keys and licences. */
export { ORGANISATIONS_SQL } from "./schema";
export { registerOrganisation, registerOrganisationSchema } from "./registerOrganisation";
export type { RegisterOrganisationParams, RegisterOrganisationResult } from "./registerOrganisation";
export { getOrganisation, listOrganisations, organisationAddress } from "./getOrganisation";
export { CHAIN_LICENCE_STATUSES, listLicenceStates } from "./listLicenceStates";
export type { ChainLicenceStatus, LicenceState } from "./listLicenceStates";
export { changeLicence, changeLicenceSchema, LICENCE_ACTIONS } from "./changeLicence";
export type { ChangeLicenceParams, LicenceAction } from "./changeLicence";
export * from "./types";
