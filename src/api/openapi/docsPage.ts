import { escapeHtml, renderMarkdown } from "./markdown";
import { HTTP_METHODS, type MediaTypeObject, type OpenApiDocument, type OperationObject } from "./types";

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/** A schema and its example; a text example (CSV, HTML) is shown as text, not as a JSON string. */
function media(type: string, { schema, example }: MediaTypeObject): string {
  const shown = typeof example === "string" ? `<pre>${escapeHtml(example)}</pre>` : json(example);
  return [
    `<p><code>${escapeHtml(type)}</code></p>`,
    schema ? `<details><summary>Schema</summary>${json(schema)}</details>` : "",
    example === undefined ? "" : `<p>Example</p>${shown}`,
  ].join("");
}

/** Inline styles only: the page must work offline and under a CSP without scripts or remote assets. */
const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:0}section{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
h2{font-size:1.05rem;font-family:ui-monospace,monospace}.method{display:inline-block;min-width:4.5rem;
padding:.1rem .4rem;margin-right:.5rem;border-radius:4px;color:#fff;background:#57606a;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:13px}table{border-collapse:collapse}
td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left}.roles{color:#57606a}
code{font-family:ui-monospace,monospace;background:#f6f8fa;padding:0 .2rem;border-radius:3px}
summary{cursor:pointer;color:#57606a}.opid{color:#57606a;font-size:.85rem}`;

function renderOperation(path: string, method: string, operation: OperationObject): string {
  const parts = [
    `<section id="${escapeHtml(`${method}-${path}`)}">`,
    `<h2><span class="method ${method}">${method.toUpperCase()}</span>${escapeHtml(path)}</h2>`,
    `<p><strong>${escapeHtml(operation.summary)}</strong> <span class="opid">${escapeHtml(operation.operationId)}</span></p>`,
  ];
  if (operation.description) parts.push(renderMarkdown(operation.description));
  parts.push(
    `<p class="roles">${
      operation["x-roles"]?.length
        ? `API key roles: ${escapeHtml(operation["x-roles"].join(", "))}`
        : operation.security.some((requirement) => "ussdSecret" in requirement)
          ? "The USSD aggregator's shared secret (X-USSD-Secret header), no API key"
          : operation.security.length
            ? "Any valid API key"
            : "Public: no API key needed"
    }</p>`,
  );
  if (operation.parameters?.length) {
    parts.push(
      "<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>description</th><th>schema</th><th>example</th></tr>",
    );
    for (const p of operation.parameters) {
      parts.push(
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td>` +
          `<td>${p.description ? renderMarkdown(p.description) : ""}</td><td>${json(p.schema)}</td>` +
          `<td>${p.example === undefined ? "" : json(p.example)}</td></tr>`,
      );
    }
    parts.push("</table>");
  }
  if (operation.requestBody) {
    parts.push("<h3>Request body</h3>");
    if (operation.requestBody.description) parts.push(renderMarkdown(operation.requestBody.description));
    for (const [type, content] of Object.entries(operation.requestBody.content))
      parts.push(media(type, content));
  }
  parts.push("<h3>Responses</h3>");
  for (const [status, response] of Object.entries(operation.responses)) {
    parts.push(`<h4>${escapeHtml(status)}</h4>${renderMarkdown(response.description)}`);
    for (const [type, content] of Object.entries(response.content ?? {})) parts.push(media(type, content));
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** A readable, self-contained HTML rendering of the OpenAPI document. */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations: string[] = [];
  const index: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      index.push(
        `<li><a href="#${escapeHtml(`${method}-${path}`)}">${method.toUpperCase()} ${escapeHtml(path)}</a> — ${escapeHtml(operation.summary)}</li>`,
      );
      operations.push(renderOperation(path, method, operation));
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(document.info.title)} API</h1><p>Version ${escapeHtml(document.info.version)} ·
<a href="/openapi.json">openapi.json</a></p>
${document.info.description ? renderMarkdown(document.info.description) : ""}
<h2>Operations</h2><ul>${index.join("\n")}</ul>
${operations.join("\n")}
<h2>Error shape</h2>${json(document.components.schemas.Error)}
</body></html>`;
}
