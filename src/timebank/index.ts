/**
 * The time bank's gateway side: coordinators the regulator appoints, the members they admit (keyed member
 * refs, custodial or self-custodied wallets), every chain write through the outbox.
 */
export { appointCoordinator, appointCoordinatorSchema } from "./appointCoordinator";
export type { AppointCoordinatorParams } from "./appointCoordinator";
export { admitMember, admitMemberSchema, MAX_CREDIT_LIMIT } from "./admitMember";
export type { AdmitMemberParams } from "./admitMember";
export { findCoordinator, getCoordinator, requireCoordinator } from "./coordinators";
export { getMember } from "./members";
export { COORDINATOR_LICENCE_KIND, MEMBER_STATUSES } from "./types";
export type { CoordinatorView, MemberCustody, MemberStatusName, MemberView, TimeBankDeps } from "./types";
export { changeMember, changeMemberSchema, MEMBER_ACTIONS } from "./changeMember";
export type { ChangeMemberParams } from "./changeMember";
export { SERVICE_CATEGORIES } from "./categories";
export type { ServiceCategory } from "./categories";
export {
  CONFIRMATION_TYPES,
  confirmationDigest,
  confirmationQrPayload,
  timeBankDomain,
} from "./confirmation";
export type { ServiceConfirmation, TimeBankDomain } from "./confirmation";
export {
  logService,
  logServiceSchema,
  MAX_SERVICE_MINUTES,
  SERVICE_CONFIRMATION_LIFETIME_SECONDS,
} from "./logService";
export type { LogServiceParams } from "./logService";
export { confirmService, confirmServiceSchema } from "./confirmService";
export type { ConfirmServiceParams } from "./confirmService";
export {
  coordinatorBatchSchema,
  coordinatorConfirm,
  coordinatorConfirmBatch,
  coordinatorConfirmSchema,
  MAX_CONFIRM_BATCH,
} from "./coordinatorConfirm";
export type { CoordinatorBatchParams, CoordinatorConfirmParams } from "./coordinatorConfirm";
export { donate, donateSchema } from "./donate";
export type { DonateParams, Donation } from "./donate";
export { CONFIRMATION_CHANNELS, getService, SERVICE_STATES } from "./services";
export type { ConfirmationChannel, ServiceState, ServiceView } from "./services";
export {
  listMembers,
  listMembersSchema,
  listServices,
  listServicesSchema,
  MAX_LIST_LIMIT,
  poolBalance,
} from "./lists";
export type { ListMembersParams, ListServicesParams } from "./lists";
export { memberPhoneVault, requestServiceSmsCode, SERVICE_CODES } from "./smsCodes";
export { memberAccess, memberAccessSchema, setMemberAccess } from "./memberAccess";
export type { MemberAccess, MemberAccessParams } from "./memberAccess";
export { memberHistory } from "./history";
export type { HistoryEntry, PendingServiceEntry } from "./history";
export { poolHistory } from "./poolHistory";
export type { PoolEntry, PoolHistory } from "./poolHistory";
export {
  rebindMember,
  rebindMemberSchema,
  walletProofMessage,
  WALLET_PROOF_MAX_SECONDS,
} from "./rebindMember";
export type { RebindMemberParams } from "./rebindMember";
export {
  createMemberLoginLink,
  endMemberSession,
  findMemberSession,
  MEMBER_LINK_MAX_MINUTES,
  MEMBER_LINK_PATH,
  MEMBER_LINK_TTL_MINUTES,
  MEMBER_SESSION_PREFIX,
  MEMBER_SESSION_TTL_MS,
  MemberLinkRefusedError,
  memberLoginLinkSchema,
  memberSessionSchema,
  openMemberSession,
} from "./memberSessions";
export type { MemberLoginLink, MemberLoginLinkParams, MemberSession } from "./memberSessions";
export {
  confirmOwnService,
  donateOwn,
  logOwnService,
  ownAccount,
  ownServiceSchema,
  ownHistory,
  ownOpenServices,
  requestOwnSmsCode,
} from "./ownAccount";
export type { OwnAccount, OwnServiceParams } from "./ownAccount";
export type { MemberHistory } from "./history";
