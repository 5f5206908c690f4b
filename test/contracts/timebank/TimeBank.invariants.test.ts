import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { TimeBank } from "../../../typechain-types";
import { LIMIT, logPending, serviceFor, signConfirmation, timeBankFixture } from "./fixture";

// Pinned so a failure replays exactly; INVARIANT_RUNS / INVARIANT_SEED explore further (titles show the values).
const PINNED_SEED = 20261202;
const PINNED_RUNS = 100;
const SEED = Number(process.env.INVARIANT_SEED ?? PINNED_SEED);
const RUNS = Number(process.env.INVARIANT_RUNS ?? PINNED_RUNS);
const PINNED = SEED === PINNED_SEED && RUNS === PINNED_RUNS;
const MEMBERS = 5;

type Action =
  | { kind: "record" | "log"; giver: number; recipient: number; duration: number }
  | { kind: "confirm" | "coordinate" | "pool"; pick: number }
  | { kind: "donate"; donor: number; beneficiary: number; duration: number }
  | { kind: "limit"; member: number; limit: number }
  | { kind: "suspend"; member: number };

const member = fc.integer({ min: 0, max: MEMBERS - 1 });
// Mostly short services, some long enough to reach a limit in two or three.
const duration = fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 500 }));
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("record" as const), giver: member, recipient: member, duration }),
  fc.record({ kind: fc.constant("log" as const), giver: member, recipient: member, duration }),
  fc.record({
    kind: fc.constantFrom("confirm" as const, "coordinate" as const, "pool" as const),
    pick: fc.nat(),
  }),
  // `MEMBERS` stands for the pool.
  fc.record({
    kind: fc.constant("donate" as const),
    donor: member,
    beneficiary: fc.oneof(fc.constant(MEMBERS), member),
    // Donations are of earned credit, mostly smaller than a service: small ones keep the pool able to pay.
    duration: fc.integer({ min: 1, max: 120 }),
  }),
  fc.record({ kind: fc.constant("limit" as const), member, limit: fc.integer({ min: 0, max: 2 * LIMIT }) }),
  fc.record({ kind: fc.constant("suspend" as const), member }),
);

/** Every sequence starts by funding the pool with earned credit, so that pool payments can succeed. */
const FUNDING: Action[] = [
  { kind: "record", giver: 0, recipient: 1, duration: 240 },
  { kind: "donate", donor: 0, beneficiary: MEMBERS, duration: 200 },
];

/** Outcomes the pinned campaign must reach, or the generators stopped testing something. */
const REQUIRED_OUTCOMES = [
  "record: ok",
  "record: CreditLimitExceeded",
  "record: SelfService",
  "record: MemberStatusInvalid",
  "log: ok",
  "confirm: ok",
  "coordinate: ok",
  "pool: ok",
  "pool: PoolInsufficient",
  "donate: ok",
  "donate: DonationExceedsCredit",
  "donate to pool: ok",
];

/** The ghost books: what the contract must hold if the rules are what the README says. */
interface Model {
  balances: number[];
  limits: number[];
  active: boolean[];
  pool: number;
  pending: { id: string; giver: number; recipient: number; duration: number }[];
}

async function errorName(timeBank: TimeBank, call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data ? timeBank.interface.parseError(data) : null;
    if (!parsed) throw error;
    return parsed.name;
  }
}

/** What the model says an action ends in; the contract must agree. */
function expected(model: Model, a: Action): string {
  const debit = (payer: number, minutes: number) =>
    model.balances[payer]! - minutes < -model.limits[payer]! ? "CreditLimitExceeded" : "ok";
  switch (a.kind) {
    case "record":
    case "log":
      if (a.giver === a.recipient) return "SelfService";
      if (!model.active[a.giver] || !model.active[a.recipient]) return "MemberStatusInvalid";
      return a.kind === "log" ? "ok" : debit(a.recipient, a.duration);
    case "confirm":
    case "coordinate":
    case "pool": {
      const p = model.pending[a.pick % model.pending.length]!;
      if (!model.active[p.giver] || !model.active[p.recipient]) return "MemberStatusInvalid";
      if (a.kind === "pool") return model.pool < p.duration ? "PoolInsufficient" : "ok";
      return debit(p.recipient, p.duration);
    }
    case "donate":
      if (!model.active[a.donor]) return "MemberStatusInvalid";
      if (model.balances[a.donor]! < a.duration) return "DonationExceedsCredit";
      if (a.beneficiary === a.donor) return "SelfService";
      if (a.beneficiary < MEMBERS && !model.active[a.beneficiary]) return "MemberStatusInvalid";
      return "ok";
    default:
      return "ok";
  }
}

function apply(model: Model, a: Action, pendingId?: string): void {
  switch (a.kind) {
    case "record":
      model.balances[a.recipient]! -= a.duration;
      model.balances[a.giver]! += a.duration;
      return;
    case "log":
      model.pending.push({ id: pendingId!, giver: a.giver, recipient: a.recipient, duration: a.duration });
      return;
    case "confirm":
    case "coordinate":
    case "pool": {
      const [p] = model.pending.splice(a.pick % model.pending.length, 1);
      if (a.kind === "pool") model.pool -= p!.duration;
      else model.balances[p!.recipient]! -= p!.duration;
      model.balances[p!.giver]! += p!.duration;
      return;
    }
    case "donate":
      model.balances[a.donor]! -= a.duration;
      if (a.beneficiary === MEMBERS) model.pool += a.duration;
      else model.balances[a.beneficiary]! += a.duration;
      return;
    case "limit":
      model.limits[a.member] = a.limit;
      return;
    case "suspend":
      model.active[a.member] = !model.active[a.member];
  }
}

async function run(
  timeBank: TimeBank,
  coordinator: HardhatEthersSigner,
  members: HardhatEthersSigner[],
  model: Model,
  a: Action,
): Promise<string> {
  const bank = timeBank;
  switch (a.kind) {
    case "record": {
      const [giver, recipient] = [members[a.giver]!, members[a.recipient]!];
      const service = await serviceFor(bank, recipient, a.duration);
      const signature = await signConfirmation(bank, recipient, giver.address, service);
      return errorName(bank, bank.connect(giver).recordService(service, signature));
    }
    case "log":
      return errorName(bank, logPending(bank, members[a.giver]!, members[a.recipient]!, a.duration));
    case "confirm": {
      const p = model.pending[a.pick % model.pending.length]!;
      return errorName(bank, bank.connect(members[p.recipient]!).confirmService(p.id));
    }
    case "coordinate":
    case "pool": {
      const p = model.pending[a.pick % model.pending.length]!;
      const call =
        a.kind === "pool"
          ? bank.connect(coordinator).payFromPool
          : bank.connect(coordinator).confirmByCoordinator;
      return errorName(bank, call([p.id]));
    }
    case "donate": {
      const to = a.beneficiary === MEMBERS ? ethers.ZeroAddress : members[a.beneficiary]!.address;
      return errorName(bank, bank.connect(members[a.donor]!).donate(to, a.duration));
    }
    case "limit":
      return errorName(bank, bank.connect(coordinator).setCreditLimit(members[a.member]!.address, a.limit));
    case "suspend": {
      const address = members[a.member]!.address;
      const c = bank.connect(coordinator);
      return errorName(bank, model.active[a.member] ? c.suspendMember(address) : c.reinstateMember(address));
    }
  }
}

/** Rebuilds every account and the pool from the two events that move credit, as an auditor would. */
async function rebuiltFromEvents(timeBank: TimeBank, members: HardhatEthersSigner[]) {
  const balances = new Map<string, bigint>(members.map((m) => [m.address, 0n]));
  let pool = 0n;
  const add = (who: string, minutes: bigint) => {
    if (who === ethers.ZeroAddress) pool += minutes;
    else balances.set(who, (balances.get(who) ?? 0n) + minutes);
  };
  for (const log of await timeBank.queryFilter(timeBank.filters.ServiceConfirmed())) {
    add(log.args.payer, -log.args.duration);
    add(log.args.giver, log.args.duration);
  }
  for (const log of await timeBank.queryFilter(timeBank.filters.CreditDonated())) {
    add(log.args.donor, -log.args.duration);
    add(log.args.beneficiary, log.args.duration);
  }
  return { balances, pool };
}

describe(`TimeBank invariants (seed ${SEED}, ${RUNS} runs)`, function () {
  it("keeps the sum of all accounts and the pool at zero, the limits, and the events' books, under random sequences", async function () {
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 40 }), async (actions) => {
        const { timeBank, coordinator, members } = await loadFixture(timeBankFixture);
        const model: Model = {
          balances: Array(MEMBERS).fill(0),
          limits: Array(MEMBERS).fill(LIMIT),
          active: Array(MEMBERS).fill(true),
          pool: 0,
          pending: [],
        };
        for (const a of [...FUNDING, ...actions]) {
          if (
            (a.kind === "confirm" || a.kind === "coordinate" || a.kind === "pool") &&
            model.pending.length === 0
          ) {
            continue;
          }
          const want = expected(model, a);
          const pendingId =
            a.kind === "log"
              ? ethers.keccak256(
                  ethers.AbiCoder.defaultAbiCoder().encode(
                    ["address", "uint32"],
                    [members[a.giver]!.address, (await timeBank.accountOf(members[a.giver]!.address)).logs],
                  ),
                )
              : undefined;
          const got = await run(timeBank, coordinator, members, model, a);
          expect(got, `${a.kind} ${JSON.stringify(a)}`).to.equal(want);
          const label = a.kind === "donate" && a.beneficiary === MEMBERS ? "donate to pool" : a.kind;
          reached.add(`${label}: ${got}`);
          if (got === "ok") apply(model, a, pendingId);
        }
        const accounts = await Promise.all(members.map((m) => timeBank.accountOf(m.address)));
        const pool = await timeBank.poolBalance();
        const sum = accounts.reduce((total, account) => total + account.balance, 0n) + pool;
        expect(sum).to.equal(0n);
        expect(accounts.map((account) => Number(account.balance))).to.deep.equal(model.balances);
        expect(Number(pool)).to.equal(model.pool);
        expect(pool).to.be.gte(0n);
        for (const [i, account] of accounts.entries()) {
          // A limit lowered under an existing debt stops further debt; it does not undo the past.
          if (account.balance < -account.creditLimit)
            expect(model.limits[i]).to.be.lessThan(-model.balances[i]!);
        }
        const rebuilt = await rebuiltFromEvents(timeBank, members);
        expect(rebuilt.pool).to.equal(pool);
        for (const [i, m] of members.entries())
          expect(rebuilt.balances.get(m.address)).to.equal(accounts[i]!.balance);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const missed = REQUIRED_OUTCOMES.filter((outcome) => !reached.has(outcome));
    if (PINNED) expect(missed, "outcomes the pinned campaign never reached").to.deep.equal([]);
    else if (missed.length) console.log(`      not reached: ${missed.join(", ")}`);
  });
});
