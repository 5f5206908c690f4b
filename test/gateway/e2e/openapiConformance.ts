import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import type { Response } from "supertest";
import type { JsonSchema, OpenApiDocument, OperationObject } from "../../../src/api/openapi";

const COMPONENTS_ID = "https://sintech.invalid/openapi/components";

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal segments win over templated ones, as OpenAPI says. */
  templated: number;
}

/**
 * Checks real responses against the OpenAPI document the gateway serves: the status is documented for
 * the operation, the media type is one it documents, and a JSON body validates against the documented
 * schema (JSON Schema 2020-12, with ajv, independently of the zod schemas it was generated from).
 * Requests that match no documented operation (an unknown path or method) are not checked: they are
 * not routes, and the router answers them itself.
 */
export class OpenApiConformance {
  /** `METHOD /template STATUS` of every response checked, for coverage reports. */
  readonly checked = new Set<string>();
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    this.ajv.addFormat("date-time", (value: string) => !Number.isNaN(Date.parse(value)));
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: document.components.schemas });
    this.routes = Object.keys(document.paths)
      .map((template) => {
        const segments = template
          .split("/")
          .map((segment) =>
            /^\{[^}]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
          );
        return {
          template,
          pattern: new RegExp(`^${segments.join("/")}$`),
          templated: (template.match(/\{/g) ?? []).length,
        };
      })
      .sort((a, b) => a.templated - b.templated);
  }

  /** The documented operation a request reaches, if any. */
  operationFor(method: string, url: string): { template: string; operation: OperationObject } | undefined {
    const path = new URL(url, "http://gateway").pathname;
    const lower = method.toLowerCase() as keyof OpenApiDocument["paths"][string];
    for (const route of this.routes) {
      if (!route.pattern.test(path)) continue;
      const operation = this.document.paths[route.template]![lower];
      if (operation) return { template: route.template, operation };
    }
    return undefined;
  }

  /** What is wrong with this response by the document; empty when it conforms or is not a route's. */
  problems(
    method: string,
    url: string,
    status: number,
    contentType: string | undefined,
    text: string,
  ): string[] {
    const found = this.operationFor(method, url);
    if (!found) return [];
    const where = `${method.toUpperCase()} ${found.template} answered ${status}`;
    this.checked.add(`${method.toUpperCase()} ${found.template} ${status}`);
    const response = found.operation.responses[String(status)];
    if (!response) {
      return [`${where}, which its operation (${found.operation.operationId}) does not document`];
    }
    if (!response.content) return text.length === 0 ? [] : [`${where} with a body; the document says none`];
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    const media = response.content[type];
    if (!media) {
      return [
        `${where} as ${type || "no media type"}; documented: ${Object.keys(response.content).join(", ")}`,
      ];
    }
    if (type !== "application/json" || !media.schema) return [];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where} with a body that is not JSON`];
    }
    const validate = this.validator(`${found.template} ${method} ${status}`, media.schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
    );
  }

  /** Throws, listing the problems, when a supertest response does not conform. */
  assert(res: Response): void {
    const request = (res as unknown as { req?: { method?: string; path?: string } }).req;
    if (!request?.method || !request.path)
      throw new Error("OpenAPI conformance: response without its request");
    const problems = this.problems(
      request.method,
      request.path,
      res.status,
      res.headers["content-type"],
      res.text ?? "",
    );
    if (problems.length > 0) {
      throw new Error(`Response does not conform to the OpenAPI document:\n  ${problems.join("\n  ")}`);
    }
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(pointRefsAtComponents(schema) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** `#/components/schemas/X` → the components schema registered with ajv. */
function pointRefsAtComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointRefsAtComponents);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string" && inner.startsWith("#/components/schemas/")
        ? [key, `${COMPONENTS_ID}#/$defs/${inner.slice("#/components/schemas/".length)}`]
        : [key, pointRefsAtComponents(inner)],
    ),
  );
}
