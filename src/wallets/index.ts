/**
 * Wallets: the keys the gateway holds (a local sealed keystore behind the KeySigner interface, which a
 * KMS or HSM can replace), custodial wallets with PIN/OTP-gated, capped receipt signing for people
 * without smartphones, proof of control for self-custodied wallets, and rebinding with history.
 * Addresses are lower-case throughout, except where they go on chain.
 */
export { KEYS_INDEX_SQL, WALLETS_SQL } from "./schema";
export { createWalletsContext, DEFAULT_CHALLENGE_TTL_MS } from "./context";
export type { CreateWalletsContextParams, WalletsContext } from "./context";
export {
  AccessCheckError,
  AccessLockedError,
  ChallengeExpiredError,
  ChallengeUsedError,
  ControlNotProvenError,
  KeystoreIntegrityError,
  SigningCapError,
  SigningRefusedError,
} from "./errors";
export type { BindingChange, BindingStatus, Custody, WalletBinding } from "./records";

export {
  createKeystoreKeyRing,
  deriveKeystoreKey,
  loadOrCreateKeystoreSalt,
  KEYSTORE_SALT_FILE,
} from "./keystore/keystoreKey";
export type { KeystoreKeyRing } from "./keystore/keystoreKey";
export type { KeySigner } from "./keystore/keySigner";
export { firstOperatorAddress, LocalKeystore, KEY_PURPOSES } from "./keystore/localKeystore";
export type { KeyPurpose, KeyRecord, LocalKeystoreOptions } from "./keystore/localKeystore";

export { createCustodialWallets, CUSTODIAL_ENROLMENT_REASON } from "./custodial/createCustodialWallets";
export type { CreateCustodialWalletsParams, CustodialWalletResult } from "./custodial/createCustodialWallets";
export { preparePin, setPin, storePin } from "./custodial/setPin";
export type { SetPinParams } from "./custodial/setPin";
export { MAX_PIN_ATTEMPTS, PIN_LOCKOUT_MS, passAccessCheck } from "./custodial/accessCheck";
export type { AccessCheck } from "./custodial/accessCheck";
export { CAP_WINDOW_MS } from "./custodial/signingCaps";
export type { CustodialCaps } from "./custodial/signingCaps";
export { CustodialSigner, DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS } from "./custodial/custodialSigner";
export type {
  CustodialSignerOptions,
  SignReceiptRequest,
  SignReceiptResult,
} from "./custodial/custodialSigner";
export {
  AID_LEDGER_DOMAIN_NAME,
  AID_LEDGER_DOMAIN_VERSION,
  DELIVERY_RECEIPT_TYPES,
  deliveryReceiptDigest,
} from "./custodial/deliveryReceipt";
export type { AidLedgerDomain, DeliveryReceipt } from "./custodial/deliveryReceipt";
export {
  MANDATE_REVOCATION_TYPES,
  mandateRevocationDigest,
  PREMIUM_MANDATES_DOMAIN_NAME,
  PREMIUM_MANDATES_DOMAIN_VERSION,
  STANDING_MANDATE_TYPES,
  standingMandateDigest,
} from "./custodial/standingMandate";
export type {
  MandateRevocation,
  PremiumMandatesDomain,
  StandingMandateTerms,
} from "./custodial/standingMandate";

export { createChallenge } from "./selfCustody/createChallenge";
export type { Challenge, CreateChallengeParams } from "./selfCustody/createChallenge";
export { proveControl, SELF_ENROLMENT_REASON } from "./selfCustody/proveControl";
export type { ProveControlParams, ProveControlResult } from "./selfCustody/proveControl";

export { rebindWallet, PROOF_FRESHNESS_MS } from "./rebindWallet";
export type { RebindCall, RebindWalletParams } from "./rebindWallet";
export { getWalletBinding } from "./getWalletBinding";
export type { GetWalletBindingParams, WalletBindingWithHistory } from "./getWalletBinding";
