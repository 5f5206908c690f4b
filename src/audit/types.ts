/** The contracts an audit reads, by address: the deployment record's `addresses`, or given one by one. */
export interface AuditAddresses {
  ledger: string;
  registry: string;
  licences: string;
  anchor: string;
  auditLog: string;
  /**
   * PremiumMandates, whose standing mandates approve premium redemptions in the beneficiary's place. A
   * system recorded before mandates existed has none; its ledger never accepts a mandate.
   */
  mandates?: string;
}

/** A contract whose events the audit reads. */
export type AuditedContract = keyof AuditAddresses;

/** Where an event sits on chain: what a finding names. */
export interface EventPosition {
  txHash: string;
  logIndex: number;
  blockNumber: number;
}

/** One decoded event of the audited contracts, in chain order. */
export interface ChainEvent extends EventPosition {
  /** Which contract emitted it. */
  source: AuditedContract;
  name: string;
  /** The event's arguments by name, as ethers decodes them (bigint for integers, 0x strings otherwise). */
  args: Record<string, unknown>;
  /** The block's time, Unix seconds. */
  timestamp: number;
}

/** What the verifier checks; each finding is of one of these. */
export const CHECKS = [
  "money_conservation",
  "gift_conservation",
  "token_balance",
  "entitlement_cap",
  "group_cap",
  "beneficiary_signature",
  "field_agent",
  "licence",
  "redemption_calldata",
  "entitlement_balance",
  "attribution",
  "anchored_proof",
  "expired_value",
] as const;
export type CheckName = (typeof CHECKS)[number];

/** A failed check, naming the event that breaks it (absent only for a published proof whose root was never anchored). */
export interface Finding {
  check: CheckName;
  message: string;
  event?: EventPosition & { name: string };
  programmeId?: string;
}

/** A published inclusion proof of an anchored confirmation (what the gateway's confirmation view gives out). */
export interface PublishedProof {
  root: string;
  confirmationHash: string;
  proof: string[];
}

/** One redemption as rebuilt, for the report's charts. */
export interface RedemptionRecord {
  programmeId: string;
  vendor: string;
  amount: string;
  timestamp: number;
}

/** A programme's money as rebuilt from events, in token units (decimal strings in the report). */
export interface ProgrammeBooks {
  programmeId: string;
  token: string;
  given: bigint;
  paid: bigint;
  refunded: bigint;
  collected: bigint;
  redemptions: number;
  /** Paid per vendor, net of upheld disputes. */
  paidTo: Map<string, bigint>;
  /** Given per gift. */
  gifts: Map<string, bigint>;
}

/** One entitlement minted (a `TransferSingle` from the zero address), for the under-coverage section. */
export interface MintRecord {
  programmeId: string;
  period: number;
  /** The household's account, lower-case. */
  account: string;
  blockNumber: number;
}

/** What one audit run found. */
export interface AuditResult {
  chainId: number;
  addresses: AuditAddresses;
  fromBlock: number;
  throughBlock: number;
  counts: {
    events: number;
    redemptions: number;
    signaturesVerified: number;
    gifts: number;
    programmes: number;
    anchors: number;
    proofsChecked: number;
  };
  checks: Record<CheckName, { passed: boolean; findings: number }>;
  findings: Finding[];
  programmes: ProgrammeBooks[];
  redemptions: RedemptionRecord[];
  /** Every entitlement minted in the audited blocks. */
  mints: MintRecord[];
  timings: { readMs: number; recoverMs: number; checkMs: number; totalMs: number };
}
