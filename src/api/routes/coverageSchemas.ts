import { z } from "zod";

/** What the coverage routes answer; the e2e tests check every response against these. */

const units = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .describe("Settlement-token amount in whole units");
const region = z
  .string()
  .regex(/^(postal-\d{2}|other)$/)
  .describe('A postal area (`postal-13`: the first two digits of the postal code), or "other"');
const count = z.number().int().min(0);
const period = {
  programmeId: z.number().int(),
  programmeName: z.string(),
  period: z
    .number()
    .int()
    .min(0)
    .describe("The programme period: block time / period length, as the chain counts it"),
  periodStartsAt: z.string().describe("The period's first second, UTC"),
  periodEndsAt: z.string().describe("The first second after the period, UTC"),
};
const indexedThroughBlock = z
  .number()
  .int()
  .nullable()
  .describe("The indexer's checkpoint the chain facts were read at; null before its first block");

const PERIOD_EXAMPLE = {
  programmeId: 4,
  programmeName: "Winter food basket",
  period: 685,
  periodStartsAt: "2026-04-24T00:00:00.000Z",
  periodEndsAt: "2026-05-24T00:00:00.000Z",
};

export const underCoverage = {
  schema: z.strictObject({
    kind: z.literal("sintech-under-coverage"),
    ...period,
    smallCountThreshold: count.describe('Regions with fewer eligible households are shown only as "other"'),
    enrolled: count.describe("Active households in the household file"),
    notRegistered: count.describe(
      "Active households not yet registered on chain: no disbursement reaches them",
    ),
    eligible: count.describe(
      "Households the programme's rule selects among those registered on chain, as a disbursement by selection does",
    ),
    covered: count.describe("Eligible households issued an entitlement of the programme for the period"),
    uncovered: count.describe("Eligible households issued nothing of the programme for the period"),
    issuedHouseholds: count.describe(
      "Households issued an entitlement for the period on chain, eligible or not",
    ),
    regions: z.array(z.strictObject({ region, eligible: count, covered: count, uncovered: count })),
    indexedThroughBlock,
  }),
  example: {
    kind: "sintech-under-coverage",
    ...PERIOD_EXAMPLE,
    smallCountThreshold: 5,
    enrolled: 1260,
    notRegistered: 40,
    eligible: 1130,
    covered: 1017,
    uncovered: 113,
    issuedHouseholds: 1021,
    regions: [
      { region: "postal-13", eligible: 702, covered: 655, uncovered: 47 },
      { region: "postal-19", eligible: 420, covered: 356, uncovered: 64 },
      { region: "other", eligible: 8, covered: 6, uncovered: 2 },
    ],
    indexedThroughBlock: 18_342,
  },
};

export const openData = {
  schema: z.strictObject({
    kind: z.literal("sintech-open-data"),
    ...period,
    smallCountThreshold: count.describe('Regions with fewer covered households are shown only as "other"'),
    totals: z.strictObject({
      householdsCovered: count.describe("Households issued an entitlement of the programme for the period"),
      amountIssued: units.describe("Entitlements issued for the period"),
      amountRedeemed: units.describe("Entitlements redeemed with vendors in the period"),
      deliveries: count.describe("Redemptions in the period"),
      vendors: count.describe("Distinct vendors redeemed with"),
    }),
    regions: z.array(
      z.strictObject({
        region,
        householdsCovered: count,
        amountIssued: units,
        amountRedeemed: units,
        deliveries: count,
      }),
    ),
    indexedThroughBlock,
  }),
  example: {
    kind: "sintech-open-data",
    ...PERIOD_EXAMPLE,
    smallCountThreshold: 5,
    totals: {
      householdsCovered: 1021,
      amountIssued: "1021000000",
      amountRedeemed: "640500000",
      deliveries: 2140,
      vendors: 12,
    },
    regions: [
      {
        region: "postal-13",
        householdsCovered: 655,
        amountIssued: "655000000",
        amountRedeemed: "411000000",
        deliveries: 1377,
      },
      {
        region: "postal-19",
        householdsCovered: 356,
        amountIssued: "356000000",
        amountRedeemed: "225000000",
        deliveries: 747,
      },
      {
        region: "other",
        householdsCovered: 10,
        amountIssued: "10000000",
        amountRedeemed: "4500000",
        deliveries: 16,
      },
    ],
    indexedThroughBlock: 18_342,
  },
};
