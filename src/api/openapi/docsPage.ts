import { HTTP_METHODS, type OpenApiDocument, type OperationObject } from "./types";

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/** Inline styles only: the page must work offline and under a CSP without scripts or remote assets. */
const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{margin-bottom:0}section{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
h2{font-size:1.05rem;font-family:ui-monospace,monospace}.method{display:inline-block;min-width:4.5rem;
padding:.1rem .4rem;margin-right:.5rem;border-radius:4px;color:#fff;background:#57606a;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:13px}table{border-collapse:collapse}
td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left}.roles{color:#57606a}`;

function renderOperation(path: string, method: string, operation: OperationObject): string {
  const parts = [
    `<section id="${escapeHtml(`${method}-${path}`)}">`,
    `<h2><span class="method ${method}">${method.toUpperCase()}</span>${escapeHtml(path)}</h2>`,
    `<p><strong>${escapeHtml(operation.summary)}</strong></p>`,
  ];
  if (operation.description) parts.push(`<p>${escapeHtml(operation.description)}</p>`);
  parts.push(
    `<p class="roles">${
      operation["x-roles"]?.length
        ? `API key roles: ${escapeHtml(operation["x-roles"].join(", "))}`
        : operation.security?.length
          ? "Any valid API key"
          : "Public"
    }</p>`,
  );
  if (operation.parameters?.length) {
    parts.push("<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>");
    for (const p of operation.parameters) {
      parts.push(
        `<tr><td>${escapeHtml(p.name)}</td><td>${p.in}</td><td>${p.required ? "yes" : "no"}</td><td>${json(p.schema)}</td></tr>`,
      );
    }
    parts.push("</table>");
  }
  if (operation.requestBody) {
    parts.push("<h3>Request body</h3>");
    for (const [type, media] of Object.entries(operation.requestBody.content)) {
      parts.push(`<p>${escapeHtml(type)}</p>${json(media.schema ?? {})}`);
    }
  }
  parts.push("<h3>Responses</h3>");
  for (const [status, response] of Object.entries(operation.responses)) {
    parts.push(`<p><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description)}</p>`);
    for (const media of Object.values(response.content ?? {}))
      if (media.schema) parts.push(json(media.schema));
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
${document.info.description ? `<p>${escapeHtml(document.info.description)}</p>` : ""}
<h2>Operations</h2><ul>${index.join("\n")}</ul>
${operations.join("\n")}
<h2>Error shape</h2>${json(document.components.schemas.Error)}
</body></html>`;
}
