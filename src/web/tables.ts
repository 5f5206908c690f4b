import { html, type Html } from "./html";

export interface ScrollTableOptions {
  /** The table's id, for readers of the page's figures. */
  id?: string;
  caption: string;
  /** The scrolling region's name for screen readers; the caption by default. */
  label?: string;
  headings: readonly string[];
  rows: readonly Html[];
  /** Totals under the body, if any. */
  foot?: readonly Html[];
}

/**
 * A table of the pages in a region that scrolls on its own when the table is wider than the screen (a phone's
 * 360 px), reachable and named for the keyboard and screen readers, with its caption and column headings.
 */
export function scrollTable(options: ScrollTableOptions): Html {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${options.label ?? options.caption}">
    <table ${options.id ? html`id="${options.id}"` : ""}>
      <caption>
        ${options.caption}
      </caption>
      <thead>
        <tr>
          ${options.headings.map((heading) => html`<th scope="col">${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${options.rows}
      </tbody>
      ${
        options.foot?.length
          ? html`<tfoot>
              ${options.foot}
            </tfoot>`
          : ""
      }
    </table>
  </div>`;
}
