import type { RouteModule } from "../routeModule";
import { errorResponses } from "./jsonSchema";
import {
  HTTP_METHODS,
  type OpenApiDocument,
  type OpenApiPaths,
  type OperationObject,
  type ResponseObject,
} from "./types";

/** The shared error body, referenced by every error response. */
const ERROR_SCHEMA = {
  type: "object",
  description: "The one error shape of the API, whatever the status.",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["name", "message", "requestId"],
      additionalProperties: false,
      properties: {
        name: { type: "string", description: "Stable error class, e.g. ValidationError" },
        message: { type: "string", description: "Short explanation; never repeats submitted values" },
        field: { type: "string", description: "The input field at fault, e.g. members[0].nationalId" },
        code: { type: "string", description: "Stable machine-readable reason" },
        requestId: { type: "string", description: "Also in the X-Request-Id header and the logs" },
      },
    },
  },
};

/** Every tag an operation may carry, in the order the docs list them. */
export const TAGS: readonly { name: string; description: string }[] = [
  { name: "meta", description: "Health, metrics, status and this documentation." },
  { name: "organisations", description: "Organisations the regulator registers, with their licences." },
  {
    name: "households",
    description: "Enrolment, CSV imports, summaries by reference and chain registration.",
  },
  { name: "programmes", description: "Aid programmes: created by charities, followed by everyone." },
  { name: "gifts", description: "Donations into programmes." },
  {
    name: "disbursements",
    description: "Entitlements issued to households, by CSV or by the programme's rule.",
  },
  { name: "wallets", description: "Beneficiary wallets: proof of control, rebinding, PINs." },
  {
    name: "confirmations",
    description: "Off-chain confirmations anchored on chain in Merkle batches, with their inclusion proofs.",
  },
  {
    name: "evidence",
    description: "Photos, receipts and PDFs of deliveries, encrypted per file and stored on IPFS.",
  },
  {
    name: "deliveries",
    description:
      "Deliveries a vendor opens and the household accepts (wallet, SMS code or PIN) or disputes, redeemed on chain.",
  },
  {
    name: "donors",
    description:
      "A gift's timeline from chain events, receipt codes for cash donors, event streams and signed webhooks; the indexer's status.",
  },
  {
    name: "coverage",
    description:
      "Under-coverage of eligible households per programme period, and public open data (aggregates only, JSON or CSV).",
  },
  {
    name: "recognition",
    description:
      "Good coin: donors recognised each month for what reached confirmed delivery, anchored as a Merkle root; an opt-in pseudonymous leaderboard.",
  },
  {
    name: "timebank",
    description:
      "The time bank: the regulator appoints charities coordinators; a coordinator admits members (keyed member refs, custodial or own wallets) and sets their credit limits.",
  },
  {
    name: "mandates",
    description:
      "Nazr-e bimeh: standing premium mandates a household member accepts once and any member revokes; the insurer redeems one premium a period under each.",
  },
  {
    name: "ussd",
    description:
      "The feature-phone menu, called by a USSD aggregator: pending deliveries, receipts, language.",
  },
];

/**
 * Errors any request can meet before its route runs (body parsing) or in it (a bug): added to every
 * operation that does not describe them itself.
 */
const ANY_REQUEST_ERRORS = errorResponses(413, 415, 500);

const DESCRIPTION = [
  "Permissioned aid ledger gateway: charities enrol households and disburse entitlements, donors give,",
  "vendors are paid, auditors follow everything. Personal data never leaves the gateway: households and",
  "people appear only as keyed references (`0x` and 64 hex digits).",
  "",
  "Authenticate with `Authorization: Bearer stk_...`; each key has one role, and each operation lists",
  "the roles it admits. Every error has the same shape (`Error`), and every response carries an",
  "`X-Request-Id` header that the logs also record.",
].join("\n");

/**
 * Merges the modules' paths into one OpenAPI 3.1 document, refusing what would publish an incomplete
 * one: two modules claiming one operation, a repeated operationId, an undeclared tag, a path template
 * whose parameters are not declared (or declared parameters it does not have), and a response without
 * a schema and an example.
 */
export function buildOpenApiDocument(modules: readonly RouteModule[], version: string): OpenApiDocument {
  const paths: OpenApiPaths = {};
  const operationIds = new Set<string>();
  const tagNames = new Set(TAGS.map((tag) => tag.name));
  for (const module of modules) {
    for (const [path, operations] of Object.entries(module.openapi)) {
      const merged = (paths[path] ??= {});
      for (const method of HTTP_METHODS) {
        const operation = operations[method];
        if (!operation) continue;
        const where = `OpenAPI: ${method.toUpperCase()} ${path}`;
        if (merged[method]) throw new Error(`${where} is declared by two route modules`);
        if (operationIds.has(operation.operationId))
          throw new Error(`${where}: operationId ${operation.operationId} is already used`);
        operationIds.add(operation.operationId);
        for (const tag of operation.tags)
          if (!tagNames.has(tag)) throw new Error(`${where}: tag ${tag} is not declared in TAGS`);
        checkPathParameters(where, path, operation);
        const complete = { ...operation, responses: { ...operation.responses } };
        for (const [status, response] of Object.entries(ANY_REQUEST_ERRORS))
          complete.responses[status] ??= response;
        for (const [status, response] of Object.entries(complete.responses))
          checkResponse(`${where} ${status}`, status, response);
        merged[method] = complete;
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Sin Tech gateway",
      version,
      description: DESCRIPTION,
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/", description: "This gateway: paths are relative to where this document is served" }],
    tags: [...TAGS],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key (stk_...)" },
        memberSession: {
          type: "http",
          scheme: "bearer",
          description:
            "A time-bank member's session (stms_...), opened with a sign-in link its coordinator made",
        },
        ussdSecret: {
          type: "apiKey",
          in: "header",
          name: "X-USSD-Secret",
          description: "The shared secret of the USSD aggregator (`SINTECH_USSD_SECRET`)",
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

function checkPathParameters(where: string, path: string, operation: OperationObject): void {
  const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).sort();
  const declared = (operation.parameters ?? [])
    .filter((parameter) => parameter.in === "path")
    .map((parameter) => parameter.name)
    .sort();
  if (templated.join() !== declared.join()) {
    throw new Error(
      `${where}: path parameters declared [${declared.join(", ")}], the path has [${templated.join(", ")}]`,
    );
  }
}

function checkResponse(where: string, status: string, response: ResponseObject): void {
  if (status === "204") {
    if (response.content) throw new Error(`${where}: a 204 response has no content`);
    return;
  }
  const media = Object.entries(response.content ?? {});
  if (media.length === 0) throw new Error(`${where}: the response has no content`);
  for (const [type, { schema, example }] of media) {
    if (!schema || Object.keys(schema).length === 0) throw new Error(`${where} ${type}: no schema`);
    if (example === undefined) throw new Error(`${where} ${type}: no example`);
  }
}
