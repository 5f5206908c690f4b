import { randomBytes } from "node:crypto";
import { z } from "zod";
import { createApiKey } from "../apiKeys";
import { canonicalJson, runIdempotent } from "../db/idempotency";
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
  /** Optional: the same key answers the same organisation (a form submitted twice, a retried call). */
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,100}$/)
    .optional(),
});
export type RegisterOrganisationParams = z.input<typeof registerOrganisationSchema>;

export interface RegisterOrganisationResult {
  organisation: Organisation;
  /**
   * The organisation's API key, shown once: to the first answer and to a repeat sent while it runs. A
   * repeat after it (same idempotency key and body) answers the organisation with null: only the key's hash
   * is kept, so it cannot be shown again (issue another with `sintech keys create`).
   */
  apiKey: string | null;
}

/** The idempotency scope of registrations; the regulator is the only one who registers. */
const SCOPE = "organisation.register";

/**
 * Onboards an organisation: a signing key in the keystore, gas, an API key, and (for every role but donor)
 * a licence granted on chain by the operator as regulator, queued in the same transaction as the row. With
 * an idempotency key, a repeat answers the organisation the key first registered (no second key, row or
 * licence); the same key with another body is refused with 409 `idempotency_key_reused`.
 */
export async function registerOrganisation(
  deps: OrganisationDeps,
  params: RegisterOrganisationParams,
): Promise<RegisterOrganisationResult> {
  const input = parseInput(registerOrganisationSchema, params);
  const { idempotencyKey, ...request } = input;
  if (idempotencyKey === undefined) return register(deps, request);
  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.peppers,
      scope: SCOPE,
      orgId: "regulator",
      idempotencyKey,
      payload: canonicalJson(request),
      now: deps.now,
    },
    async (claim) => {
      const earlier = deps.db
        .prepare("SELECT org_id FROM organisation_requests WHERE idempotency_key = ?")
        .pluck()
        .get(idempotencyKey) as string | undefined;
      if (earlier !== undefined) return { organisation: getOrganisation(deps, earlier), apiKey: null };
      return register(deps, request, (orgId) => {
        claim();
        deps.db
          .prepare("INSERT INTO organisation_requests (idempotency_key, org_id, created_at) VALUES (?, ?, ?)")
          .run(idempotencyKey, orgId, deps.now().toISOString());
      });
    },
  );
}

async function register(
  deps: OrganisationDeps,
  input: Omit<z.output<typeof registerOrganisationSchema>, "idempotencyKey">,
  remember?: (orgId: string) => void,
): Promise<RegisterOrganisationResult & { apiKey: string }> {
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
    remember?.(orgId);
    return createApiKey(deps.db, { orgId, role: input.role, label: `${input.name} (initial key)` }).key;
  })();
  await deps.outbox.drain();
  return { organisation: getOrganisation(deps, orgId), apiKey };
}
