import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseUnits } from "ethers";
import { writeJsonAtomically } from "../chain/deployment";
import { createApiKey } from "../api/auth/createApiKey";
import { disburseEligible, registerPendingOnChain } from "../disbursement";
import { importHouseholdsCsv, sampleHouseholdsCsv } from "../households";
import { registerOrganisation } from "../organisations";
import { createProgramme, giveToProgramme } from "../programmes";
import { TestSettlementToken__factory } from "../../typechain-types";
import type { GatewayServices } from "./services";

/** What the demo created, including each organisation's API key (kept in the data folder, mode 0600). */
export interface DemoSeed {
  apiKeys: Record<string, { orgId: string; role: string; key: string }>;
  programmes: Record<string, number>;
  households: number;
  disbursementId: string;
}

const DEMO_FILE = "demo.json";
const DAY = 86_400_000;

export function readDemoSeed(dataDir: string): DemoSeed | undefined {
  const path = join(dataDir, DEMO_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as DemoSeed) : undefined;
}

/**
 * A populated system for a first look: a regulator (the operator), two charities, three vendors, a donor,
 * 200 synthetic households registered on chain, one funded programme per layer, and a first disbursement
 * to the households the relief programme's rule selects. Runs once per data folder.
 */
export async function seedDemo(services: GatewayServices): Promise<DemoSeed> {
  const existing = readDemoSeed(services.config.dataDir);
  if (existing) return existing;
  const db = services.store.sqlite;
  const apiKeys: DemoSeed["apiKeys"] = {};
  const regulatorKey = createApiKey(db, { orgId: "regulator", role: "regulator", label: "demo regulator" });
  apiKeys.regulator = { orgId: "regulator", role: "regulator", key: regulatorKey.key };

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
    const result = await registerOrganisation(services.organisations, { name, role });
    orgIds[label] = result.organisation.orgId;
    addresses[label] = result.organisation.address;
    apiKeys[label] = { orgId: result.organisation.orgId, role, key: result.apiKey };
  }

  // The embedded settlement token is a mintable test rial: fund the donor and the charities.
  const token = TestSettlementToken__factory.createInterface();
  db.transaction(() => {
    for (const label of ["donor", "charity1", "charity2"]) {
      services.outbox.enqueue({
        idempotencyKey: `demo:mint:${label}`,
        kind: "token.mint",
        from: services.operator,
        to: services.settlementToken,
        data: token.encodeFunctionData("mint", [addresses[label]!, parseUnits("1000000000", 18)]),
      });
    }
    services.outbox.enqueue({
      idempotencyKey: "demo:group:food",
      kind: "group.create",
      from: services.operator,
      to: services.system.ledger.target as string,
      data: services.system.ledger.interface.encodeFunctionData("createExclusivityGroup", [30 * 86_400, 1]),
    });
  })();
  await services.outbox.drain();
  // The demo runs once, on the deployment the gateway made, so the group it just created is group 1.
  const foodGroup = 1;

  const sample = sampleHouseholdsCsv({ households: 200, seed: 7, digits: "mixed" });
  await importHouseholdsCsv(services.households, Readable.from([sample.csv]), {
    idempotencyKey: "demo-households",
  });
  await registerPendingOnChain(services.disbursement);

  const now = Date.now();
  const common = {
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 365 * DAY).toISOString(),
  };
  const vendors = [orgIds.vendor1!, orgIds.vendor2!, orgIds.vendor3!];
  const plans = [
    {
      label: "relief",
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
      label: "support",
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
      label: "insurance",
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
  const programmes: Record<string, number> = {};
  for (const plan of plans) {
    const created = await createProgramme(services.programmes, orgIds[plan.charity]!, {
      ...plan.params,
      ...common,
      idempotencyKey: `demo-programme-${plan.label}`,
    });
    programmes[plan.label] = created.programmeId!;
    await giveToProgramme(services.programmes, orgIds.donor!, created.programmeId!, {
      // Three programmes from a donor minted 1e9: each gets 3e8, so all three are funded.
      amount: "300000000",
      idempotencyKey: `demo-gift-${plan.label}`,
    });
  }
  await giveToProgramme(services.programmes, orgIds.charity2!, programmes.support!, {
    amount: "50000000",
    donorReference: "CASH-2026-0001",
    idempotencyKey: "demo-cash-gift",
  });
  const disbursement = await disburseEligible(services.disbursement, {
    orgId: orgIds.charity1!,
    programmeId: programmes.relief!,
    idempotencyKey: "demo-relief-round-1",
    amount: "2000000",
    selectEligible: () => services.selectEligible(programmes.relief!),
  });

  const seed: DemoSeed = {
    apiKeys,
    programmes,
    households: sample.householdCount,
    disbursementId: disbursement.disbursementId,
  };
  writeJsonAtomically(join(services.config.dataDir, DEMO_FILE), seed);
  return seed;
}
