import { randomBytes } from "node:crypto";
import { z } from "zod";
import { createApiKey } from "../apiKeys";
import { parseInput } from "../validation";
import { UNSAFE_TEXT_MESSAGES, unsafeTextProblem } from "../households/displayName";
import { getOrganisation } from "./getOrganisation";
import { LAYERS, LICENCE_KIND, ORGANISATION_ROLES, type Organisation, type OrganisationDeps } from "./types";

export const registerOrganisationSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(2)
    .max(120)
    .superRefine((name, ctx) => {
      const problem = unsafeTextProblem(name);
      if (problem)
        ctx.addIssue({ code: "custom", message: UNSAFE_TEXT_MESSAGES[problem], params: { code: problem } });
    }),
  role: z.enum(ORGANISATION_ROLES),
  layers: z.array(z.enum(LAYERS)).min(1).max(3).default(["relief", "support", "insurance"]),
  categories: z.array(z.number().int().min(0).max(255)).min(1).max(256).default([0, 1, 2, 3, 4, 5, 6, 7]),
  validDays: z.number().int().min(1).max(3650).default(365),
});
export type RegisterOrganisationParams = z.input<typeof registerOrganisationSchema>;

export interface RegisterOrganisationResult {
  organisation: Organisation;
  /** The organisation's API key, shown once. */
  apiKey: string;
}

/**
 * Onboards an organisation: a signing key in the keystore, gas, an API key, and (for every role but donor)
 * a licence granted on chain by the operator as regulator, queued in the same transaction as the row.
 */
export async function registerOrganisation(
  deps: OrganisationDeps,
  params: RegisterOrganisationParams,
): Promise<RegisterOrganisationResult> {
  const input = parseInput(registerOrganisationSchema, params);
  const orgId = `org_${randomBytes(6).toString("hex")}`;
  const address = deps.keys.create("organisation", orgId);
  await deps.fundGas(address);

  const layerMask = input.layers.reduce((mask, layer) => mask | (1 << LAYERS.indexOf(layer)), 0);
  const categoryMask = input.categories.reduce((mask, category) => mask | (1n << BigInt(category)), 0n);
  const kind = LICENCE_KIND[input.role];
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const validUntil = kind === undefined ? null : nowSeconds + input.validDays * 86_400;

  const apiKey = deps.db.transaction(() => {
    let licenceJobId: number | null = null;
    if (kind !== undefined) {
      licenceJobId = deps.outbox.enqueue({
        idempotencyKey: `licence:${orgId}`,
        kind: "organisation.licence",
        from: deps.operator,
        to: deps.system.licences.target as string,
        data: deps.system.licences.interface.encodeFunctionData("grantLicence", [
          address,
          kind,
          layerMask,
          categoryMask,
          nowSeconds - 60,
          validUntil!,
          "",
        ]),
      }).jobId;
    }
    deps.db
      .prepare(
        `INSERT INTO organisations (org_id, name, role, address, layers, categories, valid_until, licence_job_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        orgId,
        input.name,
        input.role,
        address.toLowerCase(),
        layerMask,
        categoryMask.toString(),
        validUntil,
        licenceJobId,
        deps.now().toISOString(),
      );
    return createApiKey(deps.db, { orgId, role: input.role, label: `${input.name} (initial key)` }).key;
  })();
  await deps.outbox.drain();
  return { organisation: getOrganisation(deps, orgId), apiKey };
}
