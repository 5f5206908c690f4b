import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseUnits } from "ethers";
import { writeJsonAtomically } from "../chain/deployment";
import { findEvent } from "../chain/findEvent";
import type { ChainJob, EnqueueParams } from "../chain/outbox";
import { createApiKey } from "../apiKeys";
import {
  disburseEligible,
  getDisbursement,
  registerPendingOnChain,
  registrationCounts,
} from "../disbursement";
import { importHouseholdsCsv, sampleHouseholdsCsv } from "../households";
import { registerOrganisation } from "../organisations";
import { createProgramme, giveToProgramme } from "../programmes";
import { TestSettlementToken__factory } from "../../typechain-types";
import type { GatewayServices } from "./services";

/** What the demo created, including each organisation's API key (kept in the data folder, mode 0600). */
export interface DemoSeed {
  /** What the keys in this file are, and how they differ from `regulator.key`. */
  about: string;
  apiKeys: Record<string, { orgId: string; role: string; key: string; about: string }>;
  programmes: Record<DemoProgramme, number>;
  /** Whole tokens each programme received from the demo's gifts. */
  gifts: Record<DemoProgramme, string>;
  households: number;
  disbursementId: string;
}

export type DemoProgramme = "relief" | "support" | "insurance";

/** The demo's sizes and amounts (whole tokens); every gift is paid from what its giver was minted. */
export interface DemoPlan {
  /** Minted to the donor and to each charity. */
  mint: string;
  /** The donor's gift to each programme, one per layer; together at most `mint`. */
  donorGifts: Record<DemoProgramme, string>;
  /** The support charity's recorded cash gift to its own programme. */
  cashGift: string;
  households: number;
}

export const DEMO_PLAN: DemoPlan = {
  mint: "1000000000",
  // Three programmes from a donor minted 1e9: each gets 3e8, so all three are funded.
  donorGifts: { relief: "300000000", support: "300000000", insurance: "300000000" },
  cashGift: "50000000",
  households: 200,
};

/** A demo step that did not do what it should: the demo stops there, naming the step. */
export class DemoStepError extends Error {
  override name = "DemoStepError";
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(
      `the demo stopped at step "${step}": ${reason}. The steps before it are kept; ` +
        "start again on an empty data folder (DATA_DIR) for a complete demo.",
    );
  }
}

export const DEMO_FILE = "demo.json";
const DAY = 86_400_000;
const ABOUT =
  "API keys of the demo's organisations, one per organisation, to try the API as each of them. The " +
  '"regulator" entry is a second regulator key made for the demo (label "demo regulator"); regulator.key ' +
  "in the same folder is the gateway's first regulator key, issued once on a fresh data folder by " +
  "`sintech start`, with or without the demo. Both act as the regulator.";

export function readDemoSeed(dataDir: string): DemoSeed | undefined {
  const path = join(dataDir, DEMO_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as DemoSeed) : undefined;
}

/**
 * `start --demo`: seeds the demo on a data folder that has none, saying so, or says it is already there.
 * Lines go to `say`; a failed step throws a `DemoStepError`.
 */
export async function startDemo(
  services: GatewayServices,
  say: (line: string) => void,
  plan: DemoPlan = DEMO_PLAN,
): Promise<DemoSeed> {
  const path = join(services.config.dataDir, DEMO_FILE);
  const existing = readDemoSeed(services.config.dataDir);
  if (existing) {
    say(`  demo       demo already seeded (${path}): programmes ${JSON.stringify(existing.programmes)}`);
    return existing;
  }
  say(`Seeding the demo (organisations, ${plan.households} households, three funded programmes)...`);
  const seed = await seedDemo(services, plan, (step) => say(`  demo       ${step}`));
  say(`  demo       programmes ${JSON.stringify(seed.programmes)}; gifts ${JSON.stringify(seed.gifts)}`);
  say(`  demo       API keys of the demo organisations in ${path}, with a second regulator key`);
  say(`             ("demo regulator"); regulator.key holds the gateway's first regulator key`);
  return seed;
}

/**
 * A populated system for a first look: a regulator (the operator), two charities, three vendors, a donor,
 * 200 synthetic households registered on chain, one funded programme per layer, and a first disbursement
 * to the households the relief programme's rule selects. Runs once per data folder; every step's outcome
 * is checked, and the first that fails stops the demo with a `DemoStepError` naming it.
 */
export async function seedDemo(
  services: GatewayServices,
  plan: DemoPlan = DEMO_PLAN,
  onStep: (step: string) => void = () => undefined,
): Promise<DemoSeed> {
  const existing = readDemoSeed(services.config.dataDir);
  if (existing) return existing;
  const db = services.store.sqlite;
  const ledger = services.system.ledger;
  const apiKeys: DemoSeed["apiKeys"] = {};
  const regulatorKey = createApiKey(db, { orgId: "regulator", role: "regulator", label: "demo regulator" });
  apiKeys.regulator = {
    orgId: "regulator",
    role: "regulator",
    key: regulatorKey.key,
    about: "a second regulator key, made for the demo; regulator.key is the gateway's first one",
  };

  const orgs = [
    ["charity1", "Imam Reza Relief Society", "charity"],
    ["charity2", "Mehr-e Mandegar Support Foundation", "charity"],
    ["vendor1", "Tehran Bread Cooperative", "vendor"],
    ["vendor2", "Shiraz Pharmacy", "vendor"],
    ["vendor3", "Karaj Housing Repairs", "vendor"],
    ["donor", "Demo Donor Trust", "donor"],
  ] as const;
  const orgIds: Record<string, string> = {};
  const addresses: Record<string, string> = {};
  for (const [label, name, role] of orgs) {
    const result = await step(
      `register the ${role} ${name}`,
      () => registerOrganisation(services.organisations, { name, role }),
      (registered) =>
        registered.organisation.licenceStatus === "failed" ? "its licence was refused on chain" : undefined,
    );
    orgIds[label] = result.organisation.orgId;
    addresses[label] = result.organisation.address;
    apiKeys[label] = {
      orgId: result.organisation.orgId,
      role,
      // Registered without an idempotency key: never a repeat, so the key is always there.
      key: result.apiKey!,
      about: `${name} (${role})`,
    };
  }
  onStep("organisations registered");

  // The embedded settlement token is a mintable test rial: fund the donor and the charities.
  const token = TestSettlementToken__factory.createInterface();
  for (const label of ["donor", "charity1", "charity2"]) {
    await chainStep(services, `mint ${plan.mint} tokens to ${label}`, {
      idempotencyKey: `demo:mint:${label}`,
      kind: "token.mint",
      from: services.operator,
      to: services.settlementToken,
      data: token.encodeFunctionData("mint", [addresses[label]!, parseUnits(plan.mint, 18)]),
    });
  }
  // The relief food group: relief layer, category 1, the settlement token, one cover per 30 days of at least
  // one rial. Joining it is the regulator's decision: the relief charity is admitted.
  const groupJob = await chainStep(services, "create the relief food group", {
    idempotencyKey: "demo:group:food",
    kind: "group.create",
    from: services.operator,
    to: ledger.target as string,
    data: ledger.interface.encodeFunctionData("createExclusivityGroup", [
      {
        layer: 0,
        categories: 1n << 1n,
        token: services.settlementToken,
        periodLength: 30 * 86_400,
        maxCoverages: 1,
        minEntitlement: parseUnits("1", 18),
      },
    ]),
  });
  const foodGroup = await step("read the relief food group's id", async () => {
    const receipt = await services.provider.getTransactionReceipt(groupJob.txHash!);
    const created = receipt && findEvent(ledger.interface, receipt, "ExclusivityGroupCreated");
    if (!created) throw new Error("its transaction has no ExclusivityGroupCreated event");
    return Number(created.args.groupId);
  });
  await chainStep(services, "admit the relief charity to the food group", {
    idempotencyKey: "demo:group:food:admit",
    kind: "group.admit",
    from: services.operator,
    to: ledger.target as string,
    data: ledger.interface.encodeFunctionData("setExclusivityGroupAdmission", [
      foodGroup,
      [addresses.charity1!],
      true,
    ]),
  });
  onStep("tokens minted, relief food group created");

  const now = Date.now();
  const common = {
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 365 * DAY).toISOString(),
  };
  const vendors = [orgIds.vendor1!, orgIds.vendor2!, orgIds.vendor3!];
  const plans = [
    {
      label: "relief" as const,
      charity: "charity1",
      params: {
        name: "Winter food basket",
        layer: "relief" as const,
        category: 1,
        exclusivityGroupId: foodGroup,
        periodDays: 30,
        capPerPeriod: "2500000",
        minGift: "100000",
        vendorOrgIds: vendors,
        eligibility: {
          targetGroups: [
            {
              name: "Households with a disability",
              all: [{ attribute: "disability" as const, present: true }],
            },
            { name: "Large households", all: [{ attribute: "size" as const, min: 4 }] },
          ],
          meansTestMax: 60,
        },
      },
    },
    {
      label: "support" as const,
      charity: "charity2",
      params: {
        name: "Skills and rehabilitation support",
        layer: "support" as const,
        category: 2,
        periodDays: 90,
        capPerPeriod: "10000000",
        minGift: "500000",
        vendorOrgIds: vendors,
      },
    },
    {
      label: "insurance" as const,
      charity: "charity1",
      params: {
        name: "Nazr-e bimeh: premiums for poor households",
        layer: "insurance" as const,
        category: 3,
        periodDays: 30,
        capPerPeriod: "3000000",
        minGift: "100000",
        vendorOrgIds: vendors,
      },
    },
  ];
  const programmes = {} as Record<DemoProgramme, number>;
  for (const programme of plans) {
    const created = await step(
      `create the ${programme.label} programme`,
      () =>
        createProgramme(services.programmes, orgIds[programme.charity]!, {
          ...programme.params,
          ...common,
          idempotencyKey: `demo-programme-${programme.label}`,
        }),
      (result) => (result.status === "created" ? undefined : outcomeOf(result)),
    );
    programmes[programme.label] = created.programmeId!;
    const amount = plan.donorGifts[programme.label];
    await step(
      `give ${amount} tokens from the donor to the ${programme.label} programme`,
      () =>
        giveToProgramme(services.programmes, orgIds.donor!, created.programmeId!, {
          amount,
          idempotencyKey: `demo-gift-${programme.label}`,
        }),
      (gift) => (gift.status === "received" ? undefined : outcomeOf(gift)),
    );
  }
  await step(
    `record a cash gift of ${plan.cashGift} tokens to the support programme`,
    () =>
      giveToProgramme(services.programmes, orgIds.charity2!, programmes.support, {
        amount: plan.cashGift,
        donorReference: "CASH-2026-0001",
        idempotencyKey: "demo-cash-gift",
      }),
    (gift) => (gift.status === "received" ? undefined : outcomeOf(gift)),
  );
  onStep("three programmes created and funded");

  const sample = sampleHouseholdsCsv({ households: plan.households, seed: 7, digits: "mixed" });
  await step(
    `import ${plan.households} synthetic households`,
    () =>
      importHouseholdsCsv(services.households, Readable.from([sample.csv]), {
        idempotencyKey: "demo-households",
        // The demo's first charity enrols them: its key reads their files (see the access rights).
        enrolledBy: orgIds.charity1!,
      }),
    (report) =>
      report.status === "completed" ? undefined : `the import ended ${report.status} (${report.errorCode})`,
  );
  await step(
    "register the households on chain",
    async () => {
      // The run answers once queued; the demo waits for the chain.
      await registerPendingOnChain(services.disbursement);
      await services.outbox.drain();
      return registrationCounts(services.disbursement);
    },
    (result) =>
      result.failed + result.queued === 0
        ? undefined
        : `${result.failed} failed and ${result.queued} are still queued`,
  );
  onStep(`${sample.householdCount} households registered on chain`);

  const disbursement = await step(
    "disburse the relief programme's first round",
    async () => {
      const started = await disburseEligible(services.disbursement, {
        orgId: orgIds.charity1!,
        programmeId: programmes.relief,
        idempotencyKey: "demo-relief-round-1",
        amount: "2000000",
        selectEligible: () => services.selectEligible(programmes.relief),
      });
      // The disbursement answers once queued; the demo waits for the chain.
      await services.outbox.drain();
      return getDisbursement(services.disbursement, started.disbursementId);
    },
    (report) => {
      const { issued, queued, ...others } = report.counts;
      const notSent = Object.entries(others).filter(([, count]) => count > 0);
      if (notSent.length > 0) return `rows not sent: ${JSON.stringify(Object.fromEntries(notSent))}`;
      return issued + queued > 0 ? undefined : "the relief rule selected no household";
    },
  );

  const seed: DemoSeed = {
    about: ABOUT,
    apiKeys,
    programmes,
    gifts: { ...plan.donorGifts },
    households: sample.householdCount,
    disbursementId: disbursement.disbursementId,
  };
  writeJsonAtomically(join(services.config.dataDir, DEMO_FILE), seed);
  return seed;
}

/**
 * Runs one step of the demo. Whatever it throws, or whatever `problem` finds wrong with its result, stops
 * the demo with a `DemoStepError` naming the step.
 */
async function step<T>(
  name: string,
  run: () => Promise<T>,
  problem: (value: T) => string | undefined = () => undefined,
): Promise<T> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    throw new DemoStepError(name, reasonOf(error));
  }
  const reason = problem(value);
  if (reason !== undefined) throw new DemoStepError(name, reason);
  return value;
}

/** Queues one chain write as the operator and waits for it: anything but confirmed stops the demo. */
async function chainStep(services: GatewayServices, name: string, write: EnqueueParams): Promise<ChainJob> {
  return step(
    name,
    async () => {
      const job = services.outbox.byKey(write.idempotencyKey) ?? services.outbox.enqueue(write);
      await services.outbox.drain();
      return services.outbox.get(job.jobId)!;
    },
    (job) => (job.status === "confirmed" ? undefined : outcomeOf(job)),
  );
}

/** A use-case result that did not succeed, in one line: its status and the chain's error, if any. */
function outcomeOf(result: { status: string }): string {
  const error = (result as { error?: { name: string; args: string[] } | null }).error;
  return error ? `${result.status}: ${error.name}(${error.args.join(", ")})` : `it ended ${result.status}`;
}

/**
 * An exception as one line: its name and code (an API refusal's code is the contract's error name; an
 * ethers error's is its kind) and its short message.
 */
function reasonOf(error: unknown): string {
  const { name, code, shortMessage, message } = error as {
    name?: string;
    code?: unknown;
    shortMessage?: string;
    message?: string;
  };
  const text = String(shortMessage ?? message ?? error)
    .split("\n")[0]!
    .slice(0, 300);
  const label = [name && name !== "Error" ? name : "", typeof code === "string" ? `(${code})` : ""]
    .filter(Boolean)
    .join(" ");
  return label && !text.startsWith(label) ? `${label}: ${text}` : text;
}
