/**
 * Identity: turning what people type into validated identifiers, pseudonymous keyed references, and
 * an encrypted vault for the personal data itself. Nothing here logs or echoes a raw value.
 */
export { toAsciiDigits, digitsOnly } from "./digits";
export {
  checkNationalId,
  isValidNationalId,
  nationalIdCheckDigit,
  nationalIdError,
  normaliseNationalId,
} from "./nationalId";
export type { NationalId, NationalIdProblem } from "./nationalId";
export { checkPostalCode, normalisePostalCode } from "./postalCode";
export type { PostalCode, PostalCodeProblem } from "./postalCode";
export { normalisePhone } from "./phone";
export type { PhoneNumber } from "./phone";
export { KeyRing, createMasterKeyRing, createPepperRing } from "./keyRing";
export type { KeyRingOptions, KeyVersion, MasterKeyRing, PepperRing } from "./keyRing";
export {
  beneficiaryRef,
  donorRef,
  householdRef,
  memberRef,
  phoneRef,
  refCandidates,
  requestFingerprint,
  requestFingerprinter,
} from "./refs";
export type { Ref, VersionedRef } from "./refs";
export { PiiVault, VaultIntegrityError } from "./vault";
export type { VaultStorage } from "./vault";
export { syntheticNationalId } from "./synthetic";
export { pooledRandomBytes } from "./randomPool";
