import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { SmsSender } from "../delivery";
import type { PepperRing, PiiVault } from "../identity";
import type { WalletsContext } from "../wallets";

/** `LicenceKind.Coordinator` in contracts/types/AidTypes.sol. */
export const COORDINATOR_LICENCE_KIND = 6;

/** `MemberStatus` in contracts/types/AidTypes.sol, by its index. */
export const MEMBER_STATUSES = ["none", "active", "suspended", "removed"] as const;
export type MemberStatusName = (typeof MEMBER_STATUSES)[number];

export type MemberCustody = "custodial" | "self";

/** What the time bank's use-cases run against; built at boot from the gateway's services. */
export interface TimeBankDeps {
  db: Database;
  outbox: ChainOutbox;
  system: Pick<AidSystem, "timeBank" | "licences">;
  /** The gateway's operator account: regulator in the embedded default, who grants coordinator licences. */
  operator: string;
  peppers: PepperRing;
  /** Creates a custodial key owned by a member ref and answers its address. */
  createCustodialKey(memberRef: string): string;
  /** The keystore that holds custodial members' keys, and the PIN check that unlocks them. */
  wallets: WalletsContext;
  /** Gives an account gas where gas costs something (a custodial member's key sending its own calls). */
  fundGas(address: string): Promise<void>;
  chainId: number;
  /** Custodial members' phones, sealed per member (`memberPhoneVault`). */
  phones: PiiVault;
  /** Where SMS codes go (the delivery room's adapter). */
  sms: SmsSender;
  /** The gateway's public address (`SINTECH_PUBLIC_URL`), for sign-in links texted to members; null: none texted. */
  publicUrl: string | null;
  now(): Date;
}

/** A member as a coordinator sees it: the gateway's binding and the account as the chain holds it. */
export interface MemberView {
  memberRef: string;
  wallet: string;
  custody: MemberCustody;
  coordinatorOrgId: string;
  status: MemberStatusName;
  /** Minutes; negative down to `-creditLimit`. */
  balance: number;
  creditLimit: number;
  /** The next nonce a confirmation signed by this member, as recipient, must carry. */
  nonce: number;
  createdAt: string;
}

/** A coordinator appointment as the regulator made it. */
export interface CoordinatorView {
  orgId: string;
  address: string;
  licenceStatus: "pending" | "active" | "failed";
  validUntil: number;
  appointedAt: string;
}
