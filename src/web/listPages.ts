import type { Request } from "express";
import { ValidationError } from "../errors";
import { html, type Html } from "./html";
import type { PageState } from "./pageState";

/** A list's cursor from the query (`?before=`, `?after=`): absent, or of its list's id shape (else 400). */
export function cursorOf(req: Request, name: "before" | "after", shape: RegExp): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !shape.test(value))
    throw new ValidationError(name, "invalid_cursor", "This is not a place in the list.");
  return value;
}

export interface ListPagesOptions {
  /** The list's name, so each list's links are told apart by screen readers. */
  label: string;
  /** The list's own page, where older items are read from a cursor. */
  path: string;
  /** The cursor of the next (older) page; null on the last page. */
  next: string | number | null;
  /** True when this page is not the newest: a link back to the first is offered. */
  paged: boolean;
  /**
   * The cursor's query parameter: `before` for lists newest first (links "older" and "newest"), `after`
   * for rows in file order ("next rows" and "first rows").
   */
  param?: "before" | "after";
}

/**
 * The links between the pages of a list read a page at a time with a keyset cursor (`?before=` the last item
 * shown): older, and back to the newest. Plain links, so the keyboard reaches them as any other.
 */
export function listPages(page: Pick<PageState, "t">, options: ListPagesOptions): Html {
  const { t } = page;
  const { label, path, next, paged, param = "before" } = options;
  if (next === null && !paged) return html``;
  const [first, more] =
    param === "before" ? (["newestPage", "olderPage"] as const) : (["firstRows", "nextRows"] as const);
  return html`<nav class="pages" aria-label="${label}: ${t("listPages")}">
    ${paged ? html`<a href="${path}">${t(first)}</a>` : ""}
    ${next !== null ? html`<a href="${path}?${param}=${next}" rel="next">${t(more)}</a>` : ""}
  </nav>`;
}
