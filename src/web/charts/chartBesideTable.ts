import { html, type Html } from "../html";
import { scrollTable, type ScrollTableOptions } from "../tables";

/**
 * Every chart of the pages with its figures in a table beside it (side by side when there is room, one under
 * the other on a phone): the chart, an SVG image with its own title, is for the eye; the table is what a
 * screen reader reads.
 */
export function chartBesideTable(options: ScrollTableOptions & { svg: Html }): Html {
  return html`<div class="flow-grid">
    <figure>${options.svg}</figure>
    ${scrollTable(options)}
  </div>`;
}
