import { coverageSvg, escapeHtml } from "./svgCharts";
import type { UnderCoverageSection } from "./underCoverageSection";

const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((100 * part) / whole)}%`);

/** The report's under-coverage section: per programme period, the counts, a table and a chart by region. */
export function underCoverageHtml(sections: readonly UnderCoverageSection[]): string {
  const parts = sections.map((section) => {
    const rows = section.regions
      .map(
        (row) =>
          `<tr><td>${escapeHtml(row.region)}</td><td>${row.eligible}</td><td>${row.covered}</td><td>${row.uncovered}</td><td>${percent(
            row.uncovered,
            row.eligible,
          )}</td></tr>`,
      )
      .join("");
    const chain = section.consistentWithChain
      ? `<p class="ok">The chain shows ${section.issuedOnChain} households issued an entitlement for this period, as the gateway reports.</p>`
      : `<p class="bad">The chain shows ${section.issuedOnChain} households issued an entitlement for this period; the gateway reports ${section.issuedHouseholds} (${section.covered} of them eligible).</p>`;
    return `<h3>Programme ${section.programmeId} (${escapeHtml(section.programmeName)}), period ${section.period}</h3>
<p>${escapeHtml(section.periodStartsAt)} to ${escapeHtml(section.periodEndsAt)}. Enrolled ${section.enrolled} (${
      section.notRegistered
    } not yet on chain), eligible ${section.eligible}, covered ${section.covered}, <strong>not covered ${
      section.uncovered
    } (${percent(section.uncovered, section.eligible)})</strong>. Regions under ${
      section.smallCountThreshold
    } eligible households are shown as "other".</p>${chain}
<table><tr><th>region</th><th>eligible</th><th>covered</th><th>not covered</th><th>share not covered</th></tr>${rows}</table>
${coverageSvg(section.regions.map((row) => ({ region: row.region, enrolled: row.eligible, covered: row.covered })))}`;
  });
  return `<h2>Under-coverage (کم‌پوشانی), from the gateway's household file</h2>
<p>Eligible households (the programme's rule over households registered on chain) that were issued nothing for the period. The counts come from a gateway, not from the chain; the chain's own count of households issued is shown beside them.</p>
${parts.join("\n")}`;
}
