import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
import type { WalletRouteServices, RouteModule } from "../routeModule";
import { createChallenge, getWalletBinding, proveControl, rebindWallet, setPin } from "../../wallets";
import { syncRebindsOnChain } from "../../disbursement";
import { authoriseBeneficiaryRead } from "../../households";
import { cachedStatement } from "../../db/statements";
import { accessContext } from "./accessContext";

const ref = z.string().regex(/^0x[0-9a-f]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const challengeBody = z.strictObject({ beneficiaryRef: ref, address });
const proofBody = z.strictObject({ challengeId: z.string().min(1).max(100), signature: z.string().max(200) });
const rebindBody = z.strictObject({
  beneficiaryRef: ref,
  to: z.union([address, z.strictObject({ custodial: z.literal(true) })]),
  reason: z.string().max(31),
});
const pinBody = z.strictObject({ beneficiaryRef: ref, pin: z.string().max(16) });
const refParams = z.strictObject({
  beneficiaryRef: ref.describe("The beneficiary's reference: `0x` and 64 lower-case hex digits"),
});
const STAFF = ["registrar", "charity"] as const;

/**
 * Wallets: a beneficiary proves control of their own wallet by signing a challenge; a registrar rebinds a
 * lost wallet (the chain follows) and sets the PIN that unlocks a custodial wallet's signature.
 */
export function walletRoutes(services: WalletRouteServices): RouteModule {
  const ctx = services.wallets;
  return {
    register(router) {
      router.post(
        "/v1/wallets/challenges",
        requireRole(...STAFF),
        validate(challengeBody),
        async (req, res) => {
          const body = validated(res, challengeBody);
          // An unknown beneficiary, or one whose household the caller may not see, is refused before any
          // challenge is stored.
          authoriseBeneficiaryRead(
            services.store.sqlite,
            { ...accessContext(req, res), action: "wallet.challenge", beneficiaryRef: body.beneficiaryRef },
            { record: false },
          );
          res.status(201).json(await createChallenge(ctx, body));
        },
      );
      router.post("/v1/wallets/proofs", requireRole(...STAFF), validate(proofBody), async (req, res) => {
        const body = validated(res, proofBody);
        const beneficiaryRef = cachedStatement(
          services.store.sqlite,
          "SELECT beneficiary_ref FROM wallet_challenges WHERE challenge_id = ?",
          "pluck",
        ).get(body.challengeId) as string | undefined;
        // A challenge for a household the caller may not see looks like an unknown one.
        if (beneficiaryRef !== undefined) {
          authoriseBeneficiaryRead(
            services.store.sqlite,
            { ...accessContext(req, res), action: "wallet.proof", beneficiaryRef },
            { field: "challengeId", record: false },
          );
        }
        const result = await proveControl(ctx, body);
        res.json(result);
      });
      router.post(
        "/v1/wallets/rebinds",
        requireRole("registrar"),
        validate(rebindBody),
        async (_req, res) => {
          const call = await rebindWallet(ctx, validated(res, rebindBody));
          const queued = await syncRebindsOnChain(services.disbursement);
          res.json({ ...call, onChain: queued > 0 ? "submitted" : "not_registered_yet" });
        },
      );
      router.post("/v1/wallets/pins", requireRole("registrar"), validate(pinBody), async (_req, res) => {
        await setPin(ctx, validated(res, pinBody));
        res.status(204).end();
      });
      router.get(
        "/v1/wallets/:beneficiaryRef",
        requireRole(...STAFF, "auditor"),
        validate(refParams, "params"),
        async (req, res) => {
          const params = validated(res, refParams, "params");
          authoriseBeneficiaryRead(services.store.sqlite, {
            ...accessContext(req, res),
            action: "wallet.binding",
            beneficiaryRef: params.beneficiaryRef,
          });
          res.json(await getWalletBinding(ctx, params));
        },
      );
    },
    openapi: {
      "/v1/wallets/challenges": {
        post: secured([...STAFF], {
          operationId: "createWalletChallenge",
          summary: "A message the beneficiary signs to prove control of a wallet",
          description:
            "Signed with the beneficiary's own wallet. An unknown beneficiary (or, for a charity, one whose household it may not read) answers 404 and nothing is stored.",
          tags: ["wallets"],
          requestBody: jsonRequestBody(challengeBody, {
            beneficiaryRef: docs.EXAMPLE_REF,
            address: docs.EXAMPLE_ADDRESS,
          }),
          responses: {
            "201": jsonResponse("The challenge", docs.challenge.schema, docs.challenge.example),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/wallets/proofs": {
        post: secured([...STAFF], {
          operationId: "proveWalletControl",
          summary: "Check the signed challenge and bind the wallet (self-custody)",
          tags: ["wallets"],
          requestBody: jsonRequestBody(proofBody, {
            challengeId: docs.challenge.example.challengeId,
            signature: `0x${"ab".repeat(65)}`,
          }),
          responses: {
            "200": jsonResponse(
              "Bound, already bound, or rebind required",
              docs.proof.schema,
              docs.proof.example,
            ),
            ...errorResponses(400, 404, 409, 410),
          },
        }),
      },
      "/v1/wallets/rebinds": {
        post: secured(["registrar"], {
          operationId: "rebindWallet",
          summary: "Move a beneficiary to a new wallet; the chain follows",
          description:
            'To a self-custodied wallet the beneficiary proved control of, or to a fresh custodial one (`{"custodial": true}`). `reason` is a short code such as `lost_phone`: it goes on chain as bytes32, so free text is refused.',
          tags: ["wallets"],
          requestBody: jsonRequestBody(rebindBody, {
            beneficiaryRef: docs.EXAMPLE_REF,
            to: { custodial: true },
            reason: "lost_phone",
          }),
          responses: {
            "200": jsonResponse(
              "The rebind and its on-chain status",
              docs.rebind.schema,
              docs.rebind.example,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/wallets/pins": {
        post: secured(["registrar"], {
          operationId: "setWalletPin",
          summary: "Set the PIN that unlocks a custodial wallet's receipt signature",
          description: "Stored as a salted scrypt hash.",
          tags: ["wallets"],
          requestBody: jsonRequestBody(pinBody, { beneficiaryRef: docs.EXAMPLE_REF, pin: "482913" }),
          responses: { "204": { description: "Set" }, ...errorResponses(400, 404) },
        }),
      },
      "/v1/wallets/{beneficiaryRef}": {
        get: secured([...STAFF, "auditor"], {
          operationId: "getWallet",
          summary: "A beneficiary's wallet and its binding history",
          tags: ["wallets"],
          parameters: parametersOf(refParams, "path", { beneficiaryRef: docs.EXAMPLE_REF }),
          responses: {
            "200": jsonResponse("The binding", docs.walletBinding.schema, docs.walletBinding.example),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
