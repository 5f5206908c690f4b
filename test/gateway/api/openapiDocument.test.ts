import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { z } from "zod";
import {
  buildOpenApiDocument,
  errorResponses,
  jsonResponse,
  parametersOf,
  publicOperation,
  renderDocsPage,
  renderMarkdown,
  type OpenApiDocument,
  type OperationObject,
} from "../../../src/api/openapi";
import type { RouteModule } from "../../../src/api";
import { generateOpenApiDocument } from "../../../scripts/openapi";
import { OpenApiConformance } from "../e2e/openapiConformance";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function operationsOf(document: OpenApiDocument): [string, string, OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map(
      (method) => [path, method, item[method]!] as [string, string, OperationObject],
    ),
  );
}

/** An ajv that resolves `#/components/schemas/...` against the document. */
function validatorFor(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat("date-time", (value: string) => !Number.isNaN(Date.parse(value)));
  ajv.addSchema({ $id: "https://sintech.invalid/components", $defs: document.components.schemas });
  return (schema: object, value: unknown): string[] => {
    const text = JSON.stringify(schema).replaceAll(
      '"#/components/schemas/',
      '"https://sintech.invalid/components#/$defs/',
    );
    const validate = ajv.compile(JSON.parse(text) as object);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

describe("the gateway's OpenAPI document (every route module, as scripts/openapi.ts builds it)", () => {
  let document: OpenApiDocument;
  let operations: [string, string, OperationObject][];
  before(async () => {
    document = (await generateOpenApiDocument()) as OpenApiDocument;
    operations = operationsOf(document);
  });

  it("declares servers, a licence, tags with descriptions, the bearer scheme and the USSD aggregator's header", () => {
    expect(document.servers).to.have.length.greaterThan(0);
    expect(document.info.license).to.deep.equal({ name: "Apache-2.0", identifier: "Apache-2.0" });
    for (const tag of document.tags) expect(tag.description, tag.name).to.be.a("string").and.not.empty;
    expect(document.components.securitySchemes).to.have.keys("apiKey", "memberSession", "ussdSecret");
    expect(document.components.securitySchemes.memberSession).to.include({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.ussdSecret).to.include({ type: "apiKey", in: "header" });
  });

  /**
   * The /v1 reads without an API key: a cash donor has none, and the receipt secret in its header is the
   * credential (an unknown code and a wrong secret answer the same 404, rate-limited per address); open
   * data is public by purpose (aggregates only, rate-limited per address).
   */
  const KEYLESS_V1 = [
    "/v1/gift-receipts/{code}/timeline",
    "/v1/programmes/{programmeId}/open-data",
    "/v1/recognition/periods/{period}",
    // A member holds no key: its coordinator's one-time link is the credential that opens its session.
    "/v1/member/sessions",
  ];

  it("gives every operation a unique operationId, a summary, declared tags and its security", () => {
    expect(operations.length).to.be.greaterThan(20);
    const ids = operations.map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size, ids.join()).to.equal(ids.length);
    const tags = document.tags.map((tag) => tag.name);
    for (const [path, method, operation] of operations) {
      const where = `${method} ${path}`;
      expect(operation.operationId, where).to.match(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, where).to.be.a("string").and.not.empty.and.not.include("`");
      expect(operation.tags, where).to.have.length.greaterThan(0);
      for (const tag of operation.tags) expect(tags, where).to.include(tag);
      expect(operation.security, where).to.be.an("array");
      if (path === "/v1/ussd") {
        // Called by the USSD aggregator, not by an organisation: its shared secret, no API key or role.
        expect(operation.security, where).to.deep.equal([{ ussdSecret: [] }]);
        expect(operation["x-roles"], where).to.equal(undefined);
        expect(operation.responses, where).to.include.keys("401", "429");
      } else if (path === "/v1/member" || path.startsWith("/v1/member/")) {
        if (KEYLESS_V1.includes(path)) {
          expect(operation.security, where).to.deep.equal([]);
          continue;
        }
        // A time-bank member's own routes: its session, never an API key, so no role either.
        expect(operation.security, where).to.deep.equal([{ memberSession: [] }]);
        expect(operation["x-member"], where).to.equal(true);
        expect(operation["x-roles"], where).to.equal(undefined);
        expect(operation.responses, where).to.include.keys("401", "429");
      } else if (path.startsWith("/v1/") && !KEYLESS_V1.includes(path)) {
        expect(operation.security, where).to.deep.equal([{ apiKey: [] }]);
        expect(operation["x-roles"], where).to.have.length.greaterThan(0);
        expect(operation.responses, where).to.include.keys("401", "403", "429");
      } else expect(operation.security, where).to.deep.equal([]);
    }
  });

  it("declares every path parameter with a schema (canonical decimal ids, 0x-hex refs) and an example", () => {
    const check = validatorFor(document);
    for (const [path, method, operation] of operations) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), `${method} ${path}`).to.deep.equal(templated.sort());
      for (const parameter of operation.parameters ?? []) {
        expect(parameter.example, `${method} ${path} ${parameter.name}`).not.to.equal(undefined);
        expect(check(parameter.schema, parameter.example), `${method} ${path} ${parameter.name}`).to.be.empty;
      }
    }
    const param = (path: string, name: string) =>
      document.paths[path]!.get!.parameters!.find((p) => p.name === name)!.schema;
    // Canonical decimal only: `0x4`, `4.0` and `1e0` do not match, so they cannot reach programme 4.
    expect(param("/v1/programmes/{programmeId}", "programmeId")).to.include({
      type: "string",
      pattern: "^[1-9][0-9]{0,15}$",
    });
    expect(param("/v1/households/{householdRef}", "householdRef")).to.include({
      pattern: "^0x[0-9a-f]{64}$",
    });
    expect(param("/v1/wallets/{beneficiaryRef}", "beneficiaryRef")).to.include({
      pattern: "^0x[0-9a-f]{64}$",
    });
    expect(param("/v1/disbursements/{disbursementId}", "disbursementId")).to.include({ type: "string" });
  });

  it("gives every request body and every response (errors included) a schema and an example it accepts", () => {
    const check = validatorFor(document);
    let examples = 0;
    for (const [path, method, operation] of operations) {
      const media = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(
          ([type, m]) => [`request ${type}`, m] as const,
        ),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map(([type, m]) => [`${status} ${type}`, m] as const),
        ),
      ];
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status !== "204") expect(response.content, `${method} ${path} ${status}`).to.be.an("object");
      }
      for (const [what, { schema, example }] of media) {
        const where = `${method} ${path} ${what}`;
        expect(schema, where).to.be.an("object").and.not.deep.equal({});
        expect(example, where).not.to.equal(undefined);
        expect(check(schema!, example), where).to.be.empty;
        examples++;
      }
      // /health answers 503 with its own body, which orchestrators read, and the pages' chain relay speaks
      // JSON-RPC, so its own refusals are JSON-RPC errors (the rate limit in front of it is not its own);
      // every other error is the one shape.
      const relayed = (s: string) => path === "/app/chain-rpc" && s !== "429";
      for (const status of Object.keys(operation.responses).filter((s) => Number(s) >= 400 && relayed(s))) {
        const schema = operation.responses[status]!.content!["application/json"]!.schema as {
          properties?: Record<string, unknown>;
        };
        expect(Object.keys(schema.properties ?? {}), `${method} ${path} ${status}`).to.have.members([
          "jsonrpc",
          "id",
          "error",
        ]);
      }
      const errors = Object.keys(operation.responses).filter(
        (s) => Number(s) >= 400 && !(path === "/health" && s === "503") && !relayed(s),
      );
      for (const status of errors) {
        expect(
          operation.responses[status]!.content!["application/json"]!.schema,
          `${method} ${path} ${status}`,
        ).to.satisfy(
          (schema: { $ref?: string; anyOf?: { $ref?: string }[] }) =>
            schema.$ref === "#/components/schemas/Error" ||
            schema.anyOf?.some((branch) => branch.$ref === "#/components/schemas/Error"),
        );
      }
    }
    expect(examples).to.be.greaterThan(100);
  });

  it("describes success bodies strictly: no `{}` schemas, no undocumented fields", () => {
    for (const [path, method, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content?.["application/json"]?.schema as
          { type?: string; additionalProperties?: unknown } | undefined;
        if (!schema || Number(status) >= 400 || path === "/openapi.json") continue;
        expect(schema.type, `${method} ${path} ${status}`).to.equal("object");
        expect(schema.additionalProperties, `${method} ${path} ${status}`).to.equal(false);
      }
    }
  });

  it("renders the docs page with Markdown turned into HTML, no literal backticks", () => {
    const html = renderDocsPage(document);
    expect(html).to.include("<code>Authorization: Bearer stk_...</code>");
    expect(html).to.include("<code>Idempotency-Key</code>");
    const ussd = html.slice(html.indexOf('id="post-/v1/ussd"'));
    expect(ussd.slice(0, ussd.indexOf("</section>"))).to.include(
      "The USSD aggregator's shared secret (X-USSD-Secret header), no API key",
    );
    const text = html.replace(/<pre>[\s\S]*?<\/pre>/g, "");
    expect(text).not.to.include("`");
    expect(html).not.to.match(/<script|<link|src=/i);
  });
});

describe("OpenAPI kit: refusing an incomplete document", () => {
  const schema = z.strictObject({ ok: z.boolean() });
  const operation = (over: Partial<OperationObject> = {}): OperationObject =>
    publicOperation(
      {
        operationId: "getThing",
        summary: "A thing",
        tags: ["meta"],
        responses: { "200": jsonResponse("The thing", schema, { ok: true }) },
        ...over,
      },
      { rateLimited: true },
    );
  const moduleOf = (openapi: RouteModule["openapi"]): RouteModule => ({ register: () => undefined, openapi });

  it("refuses an operationId used twice", () => {
    expect(() =>
      buildOpenApiDocument([moduleOf({ "/a": { get: operation() }, "/b": { get: operation() } })], "1"),
    ).to.throw("GET /b: operationId getThing is already used");
  });

  it("refuses a path template whose parameter is not declared", () => {
    expect(() =>
      buildOpenApiDocument([moduleOf({ "/things/{thingId}": { get: operation() } })], "1"),
    ).to.throw("GET /things/{thingId}: path parameters declared [], the path has [thingId]");
  });

  it("refuses a response without an example, or without a schema", () => {
    const noExample = operation({
      responses: {
        "200": { description: "x", content: { "application/json": { schema: { type: "object" } } } },
      },
    });
    expect(() => buildOpenApiDocument([moduleOf({ "/a": { get: noExample } })], "1")).to.throw(
      "GET /a 200 application/json: no example",
    );
    const noSchema = operation({
      responses: { "200": { description: "x", content: { "application/json": {} } } },
    });
    expect(() => buildOpenApiDocument([moduleOf({ "/a": { get: noSchema } })], "1")).to.throw(
      "GET /a 200 application/json: no schema",
    );
  });

  it("refuses a 204 with content, and an error status it cannot describe", () => {
    const with204 = operation({
      responses: {
        "204": { description: "x", content: { "text/plain": { schema: { type: "string" }, example: "" } } },
      },
    });
    expect(() => buildOpenApiDocument([moduleOf({ "/a": { get: with204 } })], "1")).to.throw(
      "GET /a 204: a 204 response has no content",
    );
    expect(() => errorResponses(418)).to.throw("no description for error status 418");
  });

  it("refuses a tag the document does not declare", () => {
    expect(() =>
      buildOpenApiDocument([moduleOf({ "/a": { get: operation({ tags: ["misc"] }) } })], "1"),
    ).to.throw("tag misc is not declared");
  });

  it("adds the errors any request can meet (413, 415, 500) and public security", () => {
    const doc = buildOpenApiDocument([moduleOf({ "/a": { get: operation() } })], "1");
    expect(doc.paths["/a"]!.get!.responses).to.include.keys("200", "413", "415", "429", "500");
    expect(doc.paths["/a"]!.get!.security).to.deep.equal([]);
  });

  it("derives parameters from the zod schema validate() applies, and wants an example for each", () => {
    const params = z.strictObject({ thingId: z.coerce.number().int().min(1).describe("The `thing`") });
    expect(parametersOf(params, "path", { thingId: 7 })).to.deep.equal([
      {
        name: "thingId",
        in: "path",
        required: true,
        description: "The `thing`",
        schema: { type: "integer", minimum: 1, maximum: 9007199254740991 },
        example: 7,
      },
    ]);
    expect(() => parametersOf(params, "path", {})).to.throw("no example for the path parameter thingId");
  });
});

describe("OpenAPI kit: Markdown on the docs page", () => {
  it("renders code, strong, emphasis, links and lists, and escapes everything else", () => {
    expect(renderMarkdown("Send `Idempotency-Key` **once**, *then* [see](/docs#x).")).to.equal(
      '<p>Send <code>Idempotency-Key</code> <strong>once</strong>, <em>then</em> <a href="/docs#x">see</a>.</p>',
    );
    expect(renderMarkdown("Two forms:\n\n- a `text/csv` body;\n- JSON.")).to.equal(
      "<p>Two forms:</p>\n<ul><li>a <code>text/csv</code> body;</li><li>JSON.</li></ul>",
    );
    expect(renderMarkdown("`<b>` <script>alert(1)</script> **`x`**")).to.equal(
      "<p><code>&lt;b&gt;</code> &lt;script&gt;alert(1)&lt;/script&gt; <strong><code>x</code></strong></p>",
    );
    expect(renderMarkdown("[click](javascript:alert(1))")).not.to.include("<a");
  });
});

describe("OpenAPI conformance of responses (the e2e harness's check)", () => {
  const doc = buildOpenApiDocument(
    [
      {
        register: () => undefined,
        openapi: {
          "/things/{thingId}": {
            get: publicOperation(
              {
                operationId: "getThing",
                summary: "A thing",
                tags: ["meta"],
                parameters: parametersOf(z.strictObject({ thingId: z.coerce.number().int() }), "path", {
                  thingId: 1,
                }),
                responses: {
                  "200": jsonResponse("The thing", z.strictObject({ ok: z.boolean() }), { ok: true }),
                  ...errorResponses(404),
                },
              },
              { rateLimited: true },
            ),
          },
          "/things/special": {
            get: publicOperation(
              {
                operationId: "getSpecialThing",
                summary: "The special thing",
                tags: ["meta"],
                responses: { "204": { description: "Nothing" } },
              },
              { rateLimited: true },
            ),
          },
        },
      },
    ],
    "1",
  );
  const json = "application/json; charset=utf-8";
  const error = JSON.stringify({ error: { name: "NotFoundError", message: "No thing", requestId: "r" } });

  it("accepts documented statuses and bodies, and records what it checked", () => {
    const conformance = new OpenApiConformance(doc);
    expect(conformance.problems("GET", "/things/4?x=1", 200, json, '{"ok":true}')).to.be.empty;
    expect(conformance.problems("GET", "/things/4", 404, json, error)).to.be.empty;
    expect(conformance.problems("GET", "/things/special", 204, undefined, "")).to.be.empty;
    expect([...conformance.checked]).to.have.members([
      "GET /things/{thingId} 200",
      "GET /things/{thingId} 404",
      "GET /things/special 204",
    ]);
  });

  it("refuses an undocumented status, field, type or media type", () => {
    const conformance = new OpenApiConformance(doc);
    expect(conformance.problems("GET", "/things/4", 409, json, error)[0]).to.include(
      "GET /things/{thingId} answered 409, which its operation (getThing) does not document",
    );
    expect(
      conformance.problems("GET", "/things/4", 200, json, '{"ok":true,"nationalId":"4831726590"}')[0],
    ).to.include("must NOT have additional properties");
    expect(conformance.problems("GET", "/things/4", 200, json, '{"ok":"yes"}')[0]).to.include(
      "must be boolean",
    );
    expect(conformance.problems("GET", "/things/4", 200, "text/html", "<p>")[0]).to.include("as text/html");
    expect(conformance.problems("GET", "/things/4", 404, json, '{"message":"x"}')).not.to.be.empty;
    expect(conformance.problems("GET", "/things/special", 204, json, "{}")[0]).to.include("with a body");
  });

  it("leaves requests that reach no documented operation to the router", () => {
    const conformance = new OpenApiConformance(doc);
    expect(conformance.problems("GET", "/no/such", 404, json, error)).to.be.empty;
    expect(conformance.problems("DELETE", "/things/4", 404, json, error)).to.be.empty;
    expect(conformance.checked.size).to.equal(0);
  });
});
