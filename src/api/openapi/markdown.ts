/**
 * The Markdown that OpenAPI descriptions use (CommonMark is the spec's format), rendered to safe HTML for
 * the docs page: paragraphs, `-` lists, `code`, **strong**, *emphasis* and [links](https://...). Text is
 * escaped first, so a description can never inject markup; link targets are limited to http(s), relative
 * paths and fragments.
 */
export function renderMarkdown(markdown: string): string {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(`<p>${inline(paragraph.join(" "))}</p>`);
    if (list.length > 0) blocks.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join("")}</ul>`);
    paragraph = [];
    list = [];
  };
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    const item = /^[-*] +(.*)$/.exec(line);
    if (line === "") flush();
    else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
    } else if (list.length > 0 && /^\s/.test(raw)) list[list.length - 1] += ` ${line}`;
    else {
      if (list.length > 0) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks.join("\n");
}

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Code spans are set aside first, so nothing inside backticks is read as emphasis or a link. */
function inline(text: string): string {
  const spans: string[] = [];
  const marked = text.replace(/\u0000/g, "").replace(/`([^`]+)`/g, (_whole, code: string) => {
    spans.push(`<code>${escapeHtml(code)}</code>`);
    return `\u0000${spans.length - 1}\u0000`;
  });
  return emphasis(escapeHtml(marked)).replace(
    /\u0000(\d+)\u0000/g,
    (_whole, index: string) => spans[Number(index)]!,
  );
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) =>
      /^(https?:\/\/|\/|#)/.test(href) ? `<a href="${href}">${label}</a>` : whole,
    )
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?![*\w])/g, "$1<em>$2</em>");
}
