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
