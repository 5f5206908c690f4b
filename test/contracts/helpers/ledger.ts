import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer, TypedDataDomain } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { TestSettlementToken__factory, type AidLedger } from "../../../typechain-types";
import type { IProgrammeBook } from "../../../typechain-types/contracts/ledger/AidLedger";
import { merkleLeaf } from "./merkle";
import { deployedSystem, ref, DAY, FOOD, Layer, PERIOD, UNIT } from "./system";

/** The EIP-712 type a beneficiary signs to accept a delivery (mirrors `IRedemptionDesk.DeliveryReceipt`). */
export const RECEIPT_TYPES = {
  DeliveryReceipt: [
    { name: "programmeId", type: "uint256" },
    { name: "beneficiaryRef", type: "bytes32" },
    { name: "householdRef", type: "bytes32" },
    { name: "vendor", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Receipt nonces are `period << 8 | index`, `index < RECEIPT_NONCES_PER_PERIOD` (32). */
export function receiptNonceOf(period: bigint | number, index: bigint | number = 0n): bigint {
  return (BigInt(period) << 8n) | BigInt(index);
}

/** secp256k1's group order, to build the high-s twin of a signature. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface Receipt {
  programmeId: bigint;
  beneficiaryRef: string;
  householdRef: string;
  vendor: string;
  amount: bigint;
  evidenceHash: string;
  nonce: bigint;
  deadline: bigint;
}

export type ProgrammeParams = IProgrammeBook.ProgrammeParamsStruct;

/** A registered person: the beneficiary ref and the wallet bound to it. */
export interface Member {
  beneficiaryRef: string;
  wallet: HardhatEthersSigner;
}

export interface Household {
  householdRef: string;
  members: Member[];
}

/** The ledger's EIP-712 domain; `overrides` forge a domain of another chain or deployment. */
export async function receiptDomain(
  ledger: AidLedger,
  overrides: Partial<TypedDataDomain> = {},
): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: "SinTech AidLedger",
    version: "1",
    chainId,
    verifyingContract: await ledger.getAddress(),
    ...overrides,
  };
}

/** The beneficiary's (or a field agent's) EIP-712 signature of `receipt` for `ledger`. */
export async function signReceipt(
  signer: Signer,
  ledger: AidLedger,
  receipt: Receipt,
  domainOverrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return signer.signTypedData(await receiptDomain(ledger, domainOverrides), RECEIPT_TYPES, receipt);
}

/** The digest `ledger` computes for `receipt`, i.e. its redemption id. */
export async function receiptHash(
  ledger: AidLedger,
  receipt: Receipt,
  domainOverrides: Partial<TypedDataDomain> = {},
): Promise<string> {
  return ethers.TypedDataEncoder.hash(await receiptDomain(ledger, domainOverrides), RECEIPT_TYPES, receipt);
}

/** The other valid-looking encoding of the same signature: s → n - s with v flipped. */
export function malleate(signature: string): string {
  const { r, s, v } = ethers.Signature.from(signature);
  const highS = ethers.toBeHex(SECP256K1_N - BigInt(s), 32);
  return ethers.concat([r, highS, ethers.toBeHex(v === 27 ? 28 : 27, 1)]);
}

/**
 * A receipt for `member` of `householdRef`, valid for a day and carrying the household's lowest unused
 * receipt nonce (read from `ledger`) unless overridden.
 */
export async function receiptFor(
  ledger: AidLedger,
  programmeId: bigint,
  householdRef: string,
  member: Member,
  vendor: { address: string },
  amount: bigint,
  overrides: Partial<Receipt> = {},
): Promise<Receipt> {
  return {
    programmeId,
    beneficiaryRef: member.beneficiaryRef,
    householdRef,
    vendor: vendor.address,
    amount,
    evidenceHash: ethers.id("evidence: delivery photo"),
    nonce: overrides.nonce ?? (await ledger.receiptNonce(programmeId, householdRef)),
    deadline: BigInt((await time.latest()) + DAY),
    ...overrides,
  };
}

/** Programme parameters that pass every check: a Relief/food programme running six periods from now. */
export async function programmeParams(
  token: { getAddress(): Promise<string> },
  overrides: Partial<ProgrammeParams> = {},
): Promise<ProgrammeParams> {
  const now = await time.latest();
  return {
    layer: Layer.Relief,
    category: FOOD,
    token: await token.getAddress(),
    periodLength: PERIOD,
    groupId: 0,
    capPerPeriod: 100n * UNIT,
    minGift: 10n * UNIT,
    startsAt: now,
    endsAt: now + 6 * PERIOD,
    requiresFieldAgent: false,
    metadataCid: "bafy-programme",
    vendors: [],
    ...overrides,
  };
}

export interface GroupOptions {
  periodLength?: number;
  maxCoverages?: number;
  minEntitlement?: bigint;
  layer?: number;
  categories?: bigint;
  /** Charities the regulator admits to the group at once. */
  admit?: { getAddress(): Promise<string> }[];
}

/**
 * The regulator creates an exclusivity group for `token` (relief food, a cap of 1 and a minimum entitlement
 * of one unit unless told otherwise), admits the given charities, and returns the group's id.
 */
export async function createGroup(
  ledger: AidLedger,
  regulator: Signer,
  token: { getAddress(): Promise<string> },
  options: GroupOptions = {},
): Promise<bigint> {
  const groupId = BigInt(
    await ledger.connect(regulator).createExclusivityGroup.staticCall(await groupParams(token, options)),
  );
  await ledger.connect(regulator).createExclusivityGroup(await groupParams(token, options));
  const admit = await Promise.all((options.admit ?? []).map((c) => c.getAddress()));
  if (admit.length > 0) await ledger.connect(regulator).setExclusivityGroupAdmission(groupId, admit, true);
  return groupId;
}

/** The parameters `createGroup` uses. */
export async function groupParams(
  token: { getAddress(): Promise<string> },
  options: GroupOptions = {},
): Promise<IProgrammeBook.ExclusivityGroupParamsStruct> {
  return {
    layer: options.layer ?? Layer.Relief,
    categories: options.categories ?? 1n << BigInt(FOOD),
    token: await token.getAddress(),
    periodLength: options.periodLength ?? PERIOD,
    maxCoverages: options.maxCoverages ?? 1,
    minEntitlement: options.minEntitlement ?? UNIT,
  };
}

/** The household's account, which holds its entitlements (the low 160 bits of keccak256(householdRef)). */
export function householdAccountOf(householdRef: string): string {
  return ethers.getAddress(ethers.dataSlice(ethers.keccak256(householdRef), 12));
}

/** The ERC-1155 id of a programme's entitlements in one period. */
export function entitlementIdOf(programmeId: bigint | number, period: bigint | number): bigint {
  return (BigInt(programmeId) << 32n) | BigInt(period);
}

/** What the household's account holds of the programme's entitlement in `period` (the current one if omitted). */
export async function entitlementOf(
  ledger: AidLedger,
  householdRef: string,
  programmeId: bigint | number,
  period?: bigint | number,
): Promise<bigint> {
  const p = period ?? (await ledger.currentPeriod(programmeId));
  return ledger.balanceOf(householdAccountOf(householdRef), entitlementIdOf(programmeId, p));
}

/** Creates a programme as `charity` and returns its id. */
export async function createProgramme(
  ledger: AidLedger,
  charity: Signer,
  params: ProgrammeParams,
): Promise<bigint> {
  const programmeId = (await ledger.programmeCount()) + 1n;
  await ledger.connect(charity).createProgramme(params);
  return programmeId;
}

/** Moves the chain to the first second of the next period, so a test has a whole period ahead of it. */
export async function alignToPeriodStart(): Promise<number> {
  const start = (Math.floor((await time.latest()) / PERIOD) + 1) * PERIOD;
  await time.increaseTo(start);
  return start;
}

/** `IRedemptionDesk.DISPUTE_WINDOW`: 14 days. */
export const DISPUTE_WINDOW = 14 * DAY;

/**
 * The last second of the dispute window of a redemption made at `at` in a programme with `periodLength`:
 * periods settle in groups of `ceil(DISPUTE_WINDOW / periodLength)` and a group's window closes
 * `DISPUTE_WINDOW` after the group ends. The vendor's credit is collectable from the next second.
 */
export function creditWindowClosesAt(at: number, periodLength: number = PERIOD): number {
  const perGroup = Math.ceil(DISPUTE_WINDOW / periodLength);
  const group = Math.floor(Math.floor(at / periodLength) / perGroup);
  return (group + 1) * perGroup * periodLength + DISPUTE_WINDOW;
}

/** Moves the chain past the dispute window of every redemption so far: all vendor credit is collectable. */
export async function passDisputeWindows(periodLength: number = PERIOD): Promise<void> {
  await time.increaseTo(creditWindowClosesAt(await time.latest(), periodLength) + 1);
}

/** Issues `amount` to each household through its first member. */
export function issueTo(
  ledger: AidLedger,
  charity: Signer,
  programmeId: bigint,
  households: readonly Household[],
  amount: bigint,
): Promise<ContractTransactionResponse> {
  return ledger.connect(charity).issueBatch(
    programmeId,
    households.map((h) => h.members[0].beneficiaryRef),
    households.map((h) => h.householdRef),
    amount,
  );
}

/** Signs `receipt` with `signer` and redeems it as the receipt's vendor. */
export async function redeemSigned(
  ledger: AidLedger,
  vendor: Signer,
  signer: Signer,
  receipt: Receipt,
  fieldAgentSignature = "0x",
): Promise<ContractTransactionResponse> {
  const signature = await signReceipt(signer, ledger, receipt);
  return ledger.connect(vendor).redeem(receipt, signature, fieldAgentSignature);
}

/** The Merkle leaf of one round entry, as `EntitlementLedger.claim` hashes it. */
export function entitlementLeaf(beneficiaryRef: string, householdRef: string, amount: bigint): string {
  return merkleLeaf(["bytes32", "bytes32", "uint96"], [beneficiaryRef, householdRef, amount]);
}

export interface GiftSpentLog {
  giftId: bigint;
  programmeId: bigint;
  amount: bigint;
  kind: bigint;
  ref: string;
}

/** Every GiftSpent of a transaction, in log order, to assert the exact lineage and not merely one match. */
export async function giftSpentLogs(
  ledger: AidLedger,
  tx: ContractTransactionResponse,
): Promise<GiftSpentLog[]> {
  const receipt = await tx.wait();
  const ledgerAddress = await ledger.getAddress();
  return receipt!.logs
    .filter((log) => log.address === ledgerAddress)
    .map((log) => ledger.interface.parseLog(log))
    .filter((parsed) => parsed?.name === "GiftSpent")
    .map((parsed) => {
      const [giftId, programmeId, amount, kind, ref] = parsed!.args;
      return { giftId, programmeId, amount, kind, ref };
    });
}

/**
 * The escrow's books balance: per gift `amount == escrowed + paid + refunded` with nothing negative, per
 * programme the gifts sum to `fundsOf` and vendors collected at most what they were paid, and per token the
 * ledger holds exactly what is escrowed plus what vendors have not collected (`given - refunded - collected`).
 */
export async function expectEscrowBalanced(ledger: AidLedger): Promise<void> {
  const perProgramme = new Map<bigint, { given: bigint; paid: bigint; refunded: bigint }>();
  const giftCount = await ledger.giftCount();
  for (let giftId = 1n; giftId <= giftCount; giftId++) {
    const gift = await ledger.gift(giftId);
    expect(gift.paid + gift.refunded, `gift ${giftId} overspent`).to.be.lte(gift.amount);
    const sums = perProgramme.get(gift.programmeId) ?? { given: 0n, paid: 0n, refunded: 0n };
    sums.given += gift.amount;
    sums.paid += gift.paid;
    sums.refunded += gift.refunded;
    perProgramme.set(gift.programmeId, sums);
  }
  const escrowedPerToken = new Map<string, bigint>();
  const programmeCount = await ledger.programmeCount();
  for (let programmeId = 1n; programmeId <= programmeCount; programmeId++) {
    const funds = await ledger.fundsOf(programmeId);
    const sums = perProgramme.get(programmeId) ?? { given: 0n, paid: 0n, refunded: 0n };
    expect([funds.given, funds.paid, funds.refunded], `programme ${programmeId} books`).to.deep.equal([
      sums.given,
      sums.paid,
      sums.refunded,
    ]);
    expect(funds.available).to.equal(funds.given - funds.paid - funds.refunded - funds.outstanding);
    expect(funds.collected, `programme ${programmeId} collected`).to.be.lte(funds.paid);
    const token = (await ledger.programme(programmeId)).token;
    const held = sums.given - sums.refunded - funds.collected;
    escrowedPerToken.set(token, (escrowedPerToken.get(token) ?? 0n) + held);
  }
  const ledgerAddress = await ledger.getAddress();
  for (const [token, owed] of escrowedPerToken) {
    const held = await TestSettlementToken__factory.connect(token, ethers.provider).balanceOf(ledgerAddress);
    expect(held, `ledger's ${token} balance`).to.equal(owed);
  }
}

/**
 * The common ground of the ledger tests: three registered households (the first with two members), the
 * chain at the start of a period, exclusivity group 1 (one coverage per period), and programme 1 run by
 * `charity` in that group with `vendor` allowed and a 1,000-unit gift from `donor` (gift 1).
 */
export async function ledgerWorld() {
  const system = await deployedSystem();
  const { registry, registrar, ledger, regulator, charity, donor, token, vendor, beneficiaries } = system;
  const [w0, w1, w2, w3, ...spareWallets] = beneficiaries;
  const households: Household[] = [
    {
      householdRef: ref("household", 1),
      members: [
        { beneficiaryRef: ref("beneficiary", 1), wallet: w0 },
        { beneficiaryRef: ref("beneficiary", 2), wallet: w1 },
      ],
    },
    { householdRef: ref("household", 2), members: [{ beneficiaryRef: ref("beneficiary", 3), wallet: w2 }] },
    { householdRef: ref("household", 3), members: [{ beneficiaryRef: ref("beneficiary", 4), wallet: w3 }] },
  ];
  await registry.connect(registrar).registerBatch(
    households.flatMap((h) =>
      h.members.map((m) => ({
        beneficiaryRef: m.beneficiaryRef,
        householdRef: h.householdRef,
        wallet: m.wallet.address,
      })),
    ),
  );
  const periodStart = await alignToPeriodStart();
  const groupId = await createGroup(ledger, regulator, token, { admit: [charity, system.charity2] });
  const programmeId = await createProgramme(
    ledger,
    charity,
    await programmeParams(token, { groupId, vendors: [vendor.address] }),
  );
  const giftAmount = 1000n * UNIT;
  await ledger.connect(donor).give(programmeId, giftAmount, ethers.ZeroHash, ethers.ZeroAddress, 0);
  const period = await ledger.currentPeriod(programmeId);
  return {
    ...system,
    households,
    spareWallets,
    periodStart,
    period,
    groupId,
    programmeId,
    giftId: 1n,
    giftAmount,
  };
}

export type LedgerWorld = Awaited<ReturnType<typeof ledgerWorld>>;

/** A receipt of household 1's first member at the world's vendor in its main programme. */
export function firstMemberReceipt(
  world: Pick<LedgerWorld, "ledger" | "programmeId" | "households" | "vendor">,
  amount: bigint,
  overrides: Partial<Receipt> = {},
): Promise<Receipt> {
  const [h1] = world.households;
  return receiptFor(
    world.ledger,
    world.programmeId,
    h1.householdRef,
    h1.members[0],
    world.vendor,
    amount,
    overrides,
  );
}
