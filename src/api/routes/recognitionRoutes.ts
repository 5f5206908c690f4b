import { z } from "zod";
import { organisationAddress } from "../../organisations";
import {
  aliasSchema,
  closeRecognitionPeriod,
  memberRecognitionProof,
  optIn,
  optInMember,
  optOut,
  optOutMember,
  PERIOD_PATTERN,
  recognitionPeriod,
  recognitionProof,
} from "../../recognition";
import { EXAMPLE_REF, refSchema } from "./responseSchemas";
import { requireRole } from "../auth/requireRole";
import {
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  parametersOf,
  publicOperation,
  secured,
} from "../openapi/jsonSchema";
import type { RecognitionRouteServices, RouteModule } from "../routeModule";
import { validate, validated } from "../validation";

const periodParams = z.strictObject({
  period: z.string().regex(PERIOD_PATTERN).describe("A calendar month (UTC), `YYYY-MM`"),
});
const optInBody = z.strictObject({ alias: aliasSchema.describe("The pseudonym shown on the leaderboard") });
const memberParams = z.strictObject({
  memberRef: refSchema.describe("The time-bank member's keyed reference"),
});
const memberPeriodParams = memberParams.extend(periodParams.shape);
const CLOSERS = ["regulator", "auditor"] as const;

const ROOT = "0x5c1bd2b3f0f1f6f3c5e2a8d9e0a4b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0";
const periodExample = {
  period: "2026-11",
  root: ROOT,
  accounts: 12,
  state: "anchored",
  errorName: null,
  anchorTxHash: "0x9f3c1d2e4b5a697887a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4",
  anchorBlock: 4120,
  throughBlock: 4111,
  leaderboard: [
    { rank: 1, alias: "Kheirieh-ye Mehr", goodCoin: "1250000" },
    { rank: 2, alias: "anonymous-benefactor-7", goodCoin: "400000" },
  ],
  volunteers: [{ rank: 1, alias: "Neighbour of Narmak", minutesServed: 540 }],
};
const periodSchema = z.strictObject({
  period: z.string(),
  root: z.string().describe("The Merkle root of every account's total (`ReceiptAnchor` leaves)"),
  accounts: z.number().int().describe("Accounts in the tree: every donor that earned good coin"),
  state: z.enum(["queued", "anchored", "failed"]),
  errorName: z.string().nullable().describe("The contract's refusal of the anchor, when it failed"),
  anchorTxHash: z.string().nullable(),
  anchorBlock: z.number().int().nullable(),
  throughBlock: z.number().int().describe("Chain events up to this block were counted"),
  leaderboard: z.array(
    z.strictObject({
      rank: z.number().int(),
      alias: z.string(),
      goodCoin: z.string().describe("In whole settlement-token units"),
    }),
  ),
  volunteers: z
    .array(
      z.strictObject({
        rank: z.number().int(),
        alias: z.string(),
        minutesServed: z.number().int().describe("Minutes of confirmed time-bank service in the month"),
      }),
    )
    .describe("Time-bank members their coordinators opted in, ranked by minutes served"),
});
const proofSchema = z.strictObject({
  period: z.string(),
  periodIndex: z.number().int().describe("Months since January 1970: what the leaf commits to"),
  kind: z.enum(["gift", "service"]).describe("gift: a donor's good coin; service: a member's minutes served"),
  account: z
    .string()
    .describe("The donor's wallet left-padded to 32 bytes (or a cash donor's keyed ref), or the member ref"),
  goodCoin: z
    .string()
    .describe(
      "A gift leaf's good coin in token base units, or a service leaf's minutes, as the leaf commits to it",
    ),
  confirmationHash: z
    .string()
    .describe(
      "keccak256(abi.encode(domain, periodIndex, account, goodCoin)), domain keccak256('sintech.recognition.v1') for a gift leaf and keccak256('sintech.recognition.service.v1') for a service leaf",
    ),
  proof: z.array(z.string()),
  root: z.string(),
  anchorTxHash: z.string().nullable(),
  verify: z.string(),
});
const closedSchema = z.strictObject({
  period: z.string(),
  root: z.string(),
  accounts: z.number().int(),
  jobId: z.number().int(),
  closedNow: z.boolean(),
});

/**
 * Recognition (good coin): the public leaderboard of a closed month, a donor's opt-in under a pseudonym
 * and its own proof against the anchored root; the regulator or an auditor may close an ended month at
 * once (the gateway also closes them on a timer).
 */
export function recognitionRoutes(services: RecognitionRouteServices): RouteModule {
  const deps = services.recognition;
  const donorOf = (orgId: string) => ({ orgId, address: organisationAddress(services.organisations, orgId) });
  return {
    register(router) {
      router.get("/v1/recognition/periods/:period", validate(periodParams, "params"), (_req, res) => {
        res.json(recognitionPeriod(deps, validated(res, periodParams, "params").period));
      });
      router.get(
        "/v1/recognition/periods/:period/proof",
        requireRole("donor"),
        validate(periodParams, "params"),
        (_req, res) => {
          const { period } = validated(res, periodParams, "params");
          res.json(recognitionProof(deps, period, donorOf(res.locals.principal!.orgId)));
        },
      );
      router.post(
        "/v1/recognition/periods/:period/close",
        requireRole(...CLOSERS),
        validate(periodParams, "params"),
        (_req, res) => {
          const closed = closeRecognitionPeriod(deps, validated(res, periodParams, "params").period);
          res.status(closed.closedNow ? 201 : 200).json(closed);
        },
      );
      router.put("/v1/recognition/opt-in", requireRole("donor"), validate(optInBody), (_req, res) => {
        const { alias } = validated(res, optInBody);
        res.json(optIn(deps.db, donorOf(res.locals.principal!.orgId), alias, deps.now()));
      });
      router.delete("/v1/recognition/opt-in", requireRole("donor"), (_req, res) => {
        optOut(deps.db, donorOf(res.locals.principal!.orgId));
        res.status(204).end();
      });
      router.put(
        "/v1/timebank/members/:memberRef/recognition",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(optInBody),
        (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const { alias } = validated(res, optInBody);
          res.json(
            optInMember(deps.db, { orgId: res.locals.principal!.orgId }, memberRef, alias, deps.now()),
          );
        },
      );
      router.delete(
        "/v1/timebank/members/:memberRef/recognition",
        requireRole("charity"),
        validate(memberParams, "params"),
        (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          optOutMember(deps.db, { orgId: res.locals.principal!.orgId }, memberRef);
          res.status(204).end();
        },
      );
      router.get(
        "/v1/timebank/members/:memberRef/recognition/:period",
        requireRole("charity"),
        validate(memberPeriodParams, "params"),
        (_req, res) => {
          const { memberRef, period } = validated(res, memberPeriodParams, "params");
          res.json(memberRecognitionProof(deps, { orgId: res.locals.principal!.orgId }, period, memberRef));
        },
      );
    },
    openapi: {
      "/v1/recognition/periods/{period}": {
        get: publicOperation(
          {
            operationId: "getRecognitionPeriod",
            summary: "A closed month's good coin: its anchored root and the opt-in leaderboard",
            description:
              "Good coin is the value of a donor's gifts paid to vendors against a signed receipt in the month (the ledger's `GiftSpent` settlements, attributed by lineage), less deliveries reversed by an upheld dispute before the month closed. Giving alone earns none. Hours served count too: each time-bank member's minutes of service confirmed in the month (`ServiceConfirmed`), by its member ref. The root commits to every donor's and member's total; the leaderboard lists only donors who opted in, and `volunteers` only members their coordinators opted in, under their pseudonyms (ties share a rank). Not closed yet: 404.",
            tags: ["recognition"],
            parameters: parametersOf(periodParams, "path", { period: "2026-11" }),
            responses: {
              "200": jsonResponse("The period", periodSchema, periodExample),
              ...errorResponses(400, 404),
            },
          },
          { rateLimited: true },
        ),
      },
      "/v1/recognition/periods/{period}/proof": {
        get: secured(["donor"], {
          operationId: "getRecognitionProof",
          summary: "The calling donor's total in a closed month and its Merkle proof",
          description:
            "Check it on chain with `ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)`, or recompute `confirmationHash` from the fields. A donor that earned nothing in the month: 404.",
          tags: ["recognition"],
          parameters: parametersOf(periodParams, "path", { period: "2026-11" }),
          responses: {
            "200": jsonResponse("The proof", proofSchema, {
              period: "2026-11",
              periodIndex: 682,
              kind: "gift",
              account: "0x000000000000000000000000a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
              goodCoin: "1250000000000000000000000",
              confirmationHash: "0x0d6f1c3a8e2b4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b",
              proof: ["0x2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819"],
              root: ROOT,
              anchorTxHash: periodExample.anchorTxHash,
              verify: "ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)",
            }),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/recognition/periods/{period}/close": {
        post: secured([...CLOSERS], {
          operationId: "closeRecognitionPeriod",
          summary: "Close an ended month now and queue its root's anchor",
          description:
            "The gateway closes ended months on its own every ten minutes; this closes one at once. A month closes once only, after it has ended and the indexer has read past its end (otherwise 400 `period_open`); closing it again answers its first root (200), and queues its anchor again if the chain refused it. A month in which no gift reached a confirmed delivery and no time-bank service was confirmed: 400 `nothing_earned`.",
          tags: ["recognition"],
          parameters: parametersOf(periodParams, "path", { period: "2026-11" }),
          responses: {
            "201": jsonResponse("Closed now", closedSchema, {
              period: "2026-11",
              root: ROOT,
              accounts: 12,
              jobId: 311,
              closedNow: true,
            }),
            "200": jsonResponse("Already closed", closedSchema, {
              period: "2026-11",
              root: ROOT,
              accounts: 12,
              jobId: 311,
              closedNow: false,
            }),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/recognition/opt-in": {
        put: secured(["donor"], {
          operationId: "optInToRecognition",
          summary: "Appear on the leaderboard under a pseudonym (or change it)",
          description:
            "Only the calling donor organisation's own wallet. A pseudonym another donor holds: 409 `alias_taken`. Control and bidirectional-override characters are refused.",
          tags: ["recognition"],
          requestBody: jsonRequestBody(optInBody, { alias: "Kheirieh-ye Mehr" }),
          responses: {
            "200": jsonResponse(
              "On the leaderboard",
              z.strictObject({ alias: z.string(), optedInAt: z.string() }),
              { alias: "Kheirieh-ye Mehr", optedInAt: "2026-12-02T10:00:00.000Z" },
            ),
            ...errorResponses(400, 409),
          },
        }),
        delete: secured(["donor"], {
          operationId: "optOutOfRecognition",
          summary: "Leave the leaderboard: from now on the donor appears nowhere",
          tags: ["recognition"],
          responses: { "204": { description: "Removed" }, ...errorResponses(404) },
        }),
      },
      "/v1/timebank/members/{memberRef}/recognition": {
        put: secured(["charity"], {
          operationId: "optInMemberToRecognition",
          summary: "Put a time-bank member on the volunteers' leaderboard under a pseudonym, at its word",
          description:
            "The member's own coordinator only (a member holds no API key; its coordinator speaks for it, as it confirms services for it): anyone else is told 404, as for an unknown member. A pseudonym a donor or another member holds: 409 `alias_taken`.",
          tags: ["recognition", "timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(optInBody, { alias: "Neighbour of Narmak" }),
          responses: {
            "200": jsonResponse(
              "On the leaderboard",
              z.strictObject({ alias: z.string(), optedInAt: z.string() }),
              { alias: "Neighbour of Narmak", optedInAt: "2026-12-02T10:00:00.000Z" },
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
        delete: secured(["charity"], {
          operationId: "optOutMemberOfRecognition",
          summary: "Take a member off the leaderboard: from now on it appears nowhere",
          tags: ["recognition", "timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          responses: { "204": { description: "Removed" }, ...errorResponses(400, 404) },
        }),
      },
      "/v1/timebank/members/{memberRef}/recognition/{period}": {
        get: secured(["charity"], {
          operationId: "getMemberRecognitionProof",
          summary: "A member's minutes served in a closed month and its Merkle proof",
          description:
            "For the member's own coordinator (anyone else: 404). Check it on chain with `ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)`. A member with no confirmed service in the month: 404.",
          tags: ["recognition", "timebank"],
          parameters: parametersOf(memberPeriodParams, "path", { memberRef: EXAMPLE_REF, period: "2026-11" }),
          responses: {
            "200": jsonResponse("The proof", proofSchema, {
              period: "2026-11",
              periodIndex: 682,
              kind: "service",
              account: EXAMPLE_REF,
              goodCoin: "540",
              confirmationHash: "0x4e6f1c3a8e2b4d5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b",
              proof: ["0x2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819"],
              root: ROOT,
              anchorTxHash: periodExample.anchorTxHash,
              verify: "ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)",
            }),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
