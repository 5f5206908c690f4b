import type { ReportBody } from "./reportBody";

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const short = (address: string): string => `${address.slice(0, 8)}…${address.slice(-4)}`;

/** Token units of 18 decimals as a number for drawing (labels keep the exact decimal string). */
const units = (amount: string): number => Number(BigInt(amount) / 10n ** 12n) / 1e6;

/**
 * One programme's money as three columns joined by bands: gifts on the left, the programme in the middle,
 * and where it went on the right (each vendor paid, refunded, still escrowed). Heights are proportional.
 */
export function moneyFlowSvg(programme: ReportBody["programmes"][number]): string {
  const width = 640;
  const height = 220;
  const total = Math.max(units(programme.given), 1e-9);
  const scale = (height - 20) / total;
  const column = (items: { label: string; amount: string }[], x: number, colour: string) => {
    let y = 10;
    return items
      .filter((item) => units(item.amount) > 0)
      .map((item) => {
        const h = Math.max(1, units(item.amount) * scale);
        const rect = `<rect x="${x}" y="${y.toFixed(1)}" width="16" height="${h.toFixed(1)}" fill="${colour}"><title>${escape(
          `${item.label}: ${item.amount}`,
        )}</title></rect><text x="${x + 20}" y="${(y + h / 2 + 4).toFixed(1)}" font-size="11">${escape(item.label)}</text>`;
        y += h;
        return rect;
      })
      .join("");
  };
  const gifts = programme.gifts.map((gift) => ({ label: `gift ${gift.giftId}`, amount: gift.amount }));
  const outflows = [
    ...programme.paidTo.map((paid) => ({ label: `vendor ${short(paid.vendor)}`, amount: paid.amount })),
    { label: "refunded", amount: programme.refunded },
    { label: "escrowed", amount: programme.escrowed },
  ];
  const band = `<path d="M 136 10 C 260 10, 260 10, 300 10 L 300 ${height - 10} C 260 ${height - 10}, 260 ${
    height - 10
  }, 136 ${height - 10} Z" fill="#9ecae1" opacity="0.35"/><path d="M 316 10 C 400 10, 400 10, 460 10 L 460 ${
    height - 10
  } C 400 ${height - 10}, 400 ${height - 10}, 316 ${height - 10} Z" fill="#a1d99b" opacity="0.35"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="money flow of programme ${escape(
    programme.programmeId,
  )}">${band}${column(gifts, 120, "#3182bd")}${column(
    [{ label: `programme ${programme.programmeId}`, amount: programme.given }],
    300,
    "#636363",
  )}${column(outflows, 460, "#31a354")}</svg>`;
}

/** Redemptions per day as bars. */
export function deliveriesSvg(days: ReportBody["deliveriesPerDay"]): string {
  const width = 640;
  const height = 180;
  if (days.length === 0) return `<p>No redemptions in the audited blocks.</p>`;
  const max = Math.max(...days.map((day) => day.count));
  const barWidth = Math.max(2, Math.floor((width - 40) / days.length) - 2);
  const bars = days
    .map((day, index) => {
      const h = ((height - 40) * day.count) / max;
      const x = 30 + index * (barWidth + 2);
      return `<rect x="${x}" y="${(height - 20 - h).toFixed(1)}" width="${barWidth}" height="${h.toFixed(
        1,
      )}" fill="#756bb1"><title>${escape(`${day.day}: ${day.count} deliveries, ${day.amount}`)}</title></rect>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="deliveries over time">${bars}<text x="30" y="${
    height - 4
  }" font-size="11">${escape(days[0]!.day)}</text><text x="${width - 90}" y="${height - 4}" font-size="11">${escape(
    days[days.length - 1]!.day,
  )}</text><text x="2" y="14" font-size="11">${max}</text></svg>`;
}

/** Enrolled and covered households per region, side by side. */
export function coverageSvg(rows: NonNullable<ReportBody["coverage"]>): string {
  const width = 640;
  const rowHeight = 22;
  const height = rows.length * rowHeight + 10;
  const max = Math.max(1, ...rows.map((row) => row.enrolled));
  const bars = rows
    .map((row, index) => {
      const y = 5 + index * rowHeight;
      const enrolled = (400 * row.enrolled) / max;
      const covered = (400 * row.covered) / max;
      return `<text x="0" y="${y + 14}" font-size="11">${escape(row.region)}</text><rect x="140" y="${y}" width="${enrolled.toFixed(
        1,
      )}" height="16" fill="#fdae6b"/><rect x="140" y="${y + 4}" width="${covered.toFixed(
        1,
      )}" height="8" fill="#e6550d"><title>${escape(`${row.region}: ${row.covered} of ${row.enrolled} covered`)}</title></rect>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="coverage against enrolment by region">${bars}</svg>`;
}

export { escape as escapeHtml };
