import type { SignedReport } from "./signReport";
import { coverageSvg, deliveriesSvg, escapeHtml, moneyFlowSvg } from "./svgCharts";
import { underCoverageHtml } from "./underCoverageHtml";

/**
 * The report as one self-contained HTML page: no script, no external file; charts are inline SVG. The signed
 * JSON is embedded too, so the page alone can be checked with `sintech audit verify-report`.
 */
export function htmlReport(report: SignedReport): string {
  const { body } = report;
  const checkRows = Object.entries(body.checks)
    .map(
      ([check, outcome]) =>
        `<tr><td>${escapeHtml(check)}</td><td class="${outcome.passed ? "ok" : "bad"}">${
          outcome.passed ? "passed" : `failed (${outcome.findings})`
        }</td></tr>`,
    )
    .join("");
  const findingRows = body.findings
    .map(
      (finding) =>
        `<tr><td>${escapeHtml(finding.check)}</td><td>${escapeHtml(finding.message)}</td><td>${
          finding.event
            ? `${escapeHtml(finding.event.name)} tx ${escapeHtml(finding.event.txHash)} log ${finding.event.logIndex}`
            : "—"
        }</td></tr>`,
    )
    .join("");
  const programmes = body.programmes
    .map(
      (programme) =>
        `<h3>Programme ${escapeHtml(programme.programmeId)}</h3><p>given ${escapeHtml(programme.given)}, paid ${escapeHtml(
          programme.paid,
        )} (collected ${escapeHtml(programme.collected)}), refunded ${escapeHtml(programme.refunded)}, escrowed ${escapeHtml(
          programme.escrowed,
        )}; ${programme.redemptions} redemptions</p>${moneyFlowSvg(programme)}`,
    )
    .join("");
  const embedded = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sin Tech audit report, block ${body.throughBlock}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}td,th{border:1px solid #ccc;padding:4px}
table{border-collapse:collapse}.ok{color:#2a7}.bad{color:#c22;font-weight:bold}code{word-break:break-all}</style></head>
<body><h1>Sin Tech audit report</h1>
<p>Chain ${body.chainId}, ledger <code>${escapeHtml(body.addresses.ledger)}</code>, blocks ${body.fromBlock}–${
    body.throughBlock
  }. ${body.counts.events} events, ${body.counts.redemptions} redemptions, ${body.counts.signaturesVerified} signatures re-verified.</p>
<p class="${body.passed ? "ok" : "bad"}">${body.passed ? "Every check passed." : `${body.findings.length} findings.`}</p>
<p>Report hash <code>${escapeHtml(report.reportHash)}</code>, signed by auditor <code>${escapeHtml(report.auditor)}</code>${
    report.anchor ? `, anchored in tx <code>${escapeHtml(report.anchor.txHash)}</code>` : ""
  }.</p>
<h2>Checks</h2><table>${checkRows}</table>
${findingRows ? `<h2>Findings</h2><table><tr><th>check</th><th>what</th><th>event</th></tr>${findingRows}</table>` : ""}
<h2>Money flows, from gifts to vendors</h2>${programmes}
<h2>Deliveries over time</h2>${deliveriesSvg(body.deliveriesPerDay)}
${body.coverage ? `<h2>Coverage against enrolment by region</h2>${coverageSvg(body.coverage)}` : ""}
${body.underCoverage ? underCoverageHtml(body.underCoverage) : ""}
<script type="application/json" id="signed-report">${embedded}</script>
</body></html>
`;
}

/** The signed report embedded in a page written by {@link htmlReport}. */
export function reportFromHtml(html: string): unknown {
  const match = /<script type="application\/json" id="signed-report">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no signed report in this page");
  return JSON.parse(match[1]!);
}
