import { z } from "zod";
import { addressSchema, EXAMPLE_ADDRESS } from "./responseSchemas";

/** What the regulator's programme-book routes answer; the e2e tests check every response against these. */

export const exclusivityGroup = {
  schema: z.strictObject({
    groupId: z.number().int(),
    layer: z.string().describe("relief, support or insurance"),
    categories: z.array(z.number().int()).describe("The categories a programme in the group may have"),
    periodSeconds: z.number().int(),
    maxCoverages: z.number().int().describe("Coverages a household may hold in the group per period"),
    admitted: z
      .array(addressSchema)
      .describe("Charities' addresses admitted now, as the chain holds it after the change"),
    programmeIds: z.array(z.number().int()).describe("This gateway's programmes in the group"),
  }),
  example: {
    groupId: 1,
    layer: "relief",
    categories: [1],
    periodSeconds: 2_592_000,
    maxCoverages: 1,
    admitted: [EXAMPLE_ADDRESS.toLowerCase()],
    programmeIds: [4],
  },
};

export const programmePause = {
  schema: z.strictObject({
    programmeId: z.number().int(),
    paused: z.boolean().describe("Issuance, claims and redemptions stopped"),
    pausedByRegulator: z.boolean().describe("A regulator's pause: only a regulator lifts it"),
  }),
  example: { programmeId: 4, paused: true, pausedByRegulator: true },
};
