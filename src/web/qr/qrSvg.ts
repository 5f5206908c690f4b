import { encodeQr } from "./qrCode";

/** Quiet zone in modules around the code, as the standard asks. */
const QUIET = 4;

/**
 * The QR code of `text` as an SVG image: one path of unit squares on a white field, scaled by the page's
 * CSS; `label` is what a screen reader says instead.
 */
export function qrSvg(text: string, label: string): string {
  const { size, modules } = encodeQr(text);
  const full = size + QUIET * 2;
  const squares: string[] = [];
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) squares.push(`M${x + QUIET} ${y + QUIET}h1v1h-1z`);
    }),
  );
  return (
    `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" ` +
    `aria-label="${label.replace(/[&<>"]/g, "")}" shape-rendering="crispEdges">` +
    `<rect width="${full}" height="${full}" fill="#fff"/><path fill="#000" d="${squares.join("")}"/></svg>`
  );
}
