import { expect } from "chai";
import express from "express";
import { z } from "zod";
import {
  buildOpenApiDocument,
  jsonRequestBody,
  mountRouteModules,
  toOpenApiPath,
  type OperationObject,
  type RouteContext,
  type RouteModule,
} from "../../../src/api";
import { startGateway, type Gateway } from "./helpers/gateway";
import { testRoutes } from "./helpers/testRoutes";

describe("OpenAPI document and /docs", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it("serves an OpenAPI 3.1 document with the built-in and the modules' operations", async () => {
    const res = await gateway.http().get("/openapi.json");
    expect(res.status).to.equal(200);
    const doc = res.body;
    expect(doc.openapi).to.equal("3.1.0");
    expect(doc.info).to.include({ title: "Sin Tech gateway", version: "9.9.9-test" });
    expect(Object.keys(doc.paths)).to.have.members([
      "/docs",
      "/health",
      "/metrics",
      "/openapi.json",
      "/v1/test/boom",
      "/v1/test/households",
      "/v1/test/households/{householdRef}",
      "/v1/test/regulator",
    ]);
    for (const item of Object.values(doc.paths) as Record<string, { summary: string; responses: object }>[]) {
      for (const operation of Object.values(item)) {
        expect(operation.summary).to.be.a("string").and.not.empty;
        expect(Object.keys(operation.responses)).not.to.be.empty;
      }
    }
    expect(doc.components.securitySchemes.apiKey).to.deep.equal({
      type: "http",
      scheme: "bearer",
      description: "An API key (stk_...)",
    });
    expect(doc.components.schemas.Error.properties.error.required).to.deep.equal([
      "name",
      "message",
      "requestId",
    ]);
  });

  it("derives request schemas from zod, strict, and marks secured operations with roles", async () => {
    const post = (await gateway.http().get("/openapi.json")).body.paths["/v1/test/households"].post;
    const schema = post.requestBody.content["application/json"].schema;
    expect(schema).not.to.have.property("$schema");
    expect(schema).to.deep.include({
      type: "object",
      required: ["postalCode", "members"],
      additionalProperties: false,
    });
    expect(schema.properties.members.items.properties.nationalId).to.deep.equal({
      type: "string",
      pattern: "^\\d{10}$",
    });
    expect(post.security).to.deep.equal([{ apiKey: [] }]);
    expect(post["x-roles"]).to.deep.equal(["charity", "registrar"]);
    expect(post.responses["401"].content["application/json"].schema).to.deep.equal({
      $ref: "#/components/schemas/Error",
    });
  });

  it("renders /docs as one self-contained HTML page listing every operation", async () => {
    const res = await gateway.http().get("/docs");
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.match(/^text\/html/);
    const html = res.text;
    expect(html).to.match(/^<!doctype html>/);
    for (const [method, path] of [
      ["GET", "/health"],
      ["POST", "/v1/test/households"],
      ["GET", "/v1/test/households/{householdRef}"],
    ]) {
      expect(html).to.include(`${method}</span>${path}`);
    }
    expect(html).to.include("API key roles: charity, registrar");
    expect(html).to.include("&quot;additionalProperties&quot;: false");
    expect(html).not.to.match(/<script|<link|src=|https?:\/\/(?!127\.0\.0\.1)/i);
  });
});

describe("route modules and their documentation", () => {
  const ctx = {} as RouteContext;
  const module = (register: RouteModule["register"], openapi: RouteModule["openapi"]): RouteModule => ({
    register,
    openapi,
  });
  const ok: OperationObject = {
    operationId: "ok",
    summary: "s",
    tags: ["meta"],
    security: [],
    responses: {
      "200": { description: "ok", content: { "text/plain": { schema: { type: "string" }, example: "ok" } } },
    },
  };

  it("converts express params to OpenAPI templates and refuses other syntax", () => {
    expect(toOpenApiPath("/v1/households/:householdRef/members/:index")).to.equal(
      "/v1/households/{householdRef}/members/{index}",
    );
    expect(() => toOpenApiPath("/files/*path")).to.throw("only literal segments and :params");
  });

  it("refuses a registered route missing from the module's openapi", () => {
    const undocumented = module((router) => router.get("/x", (_q, r) => void r.end()), {});
    expect(() => mountRouteModules(express(), [undocumented], ctx)).to.throw(
      "GET /x is registered but missing from its module's openapi",
    );
  });

  it("refuses a documented operation that is not registered", () => {
    const ghost = module(() => undefined, { "/y/{id}": { delete: ok } });
    expect(() => mountRouteModules(express(), [ghost], ctx)).to.throw(
      "DELETE /y/{id} is documented but not registered",
    );
  });

  it("refuses nested routers, which would hide route templates", () => {
    const nested = module((router) => {
      router.use("/v1", express.Router());
    }, {});
    expect(() => mountRouteModules(express(), [nested], ctx)).to.throw("not nested routers");
  });

  it("refuses two modules documenting the same operation", () => {
    expect(() => buildOpenApiDocument([testRoutes, testRoutes], "1")).to.throw(
      "GET /v1/test/households is declared by two route modules",
    );
  });

  it("builds request bodies from zod schemas", () => {
    expect(jsonRequestBody(z.strictObject({ n: z.number().int() }), { n: 1 })).to.deep.equal({
      required: true,
      content: {
        "application/json": {
          example: { n: 1 },
          schema: {
            type: "object",
            properties: { n: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } },
            required: ["n"],
            additionalProperties: false,
          },
        },
      },
    });
  });
});
