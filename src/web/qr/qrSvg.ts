import { encodeQr } from "./qrCode";

/** Quiet zone in modules around the code, as the standard asks. */
const QUIET = 4;
/**
 * A delivery's payload never changes and its page is reloaded while the vendor waits: the last codes drawn
 * are kept (encoding one of about 400 characters, eight masks scored, takes tens of milliseconds here).
 */
const CACHE_SIZE = 200;
const drawn = new Map<string, string>();

/**
 * The QR code of `text` as an SVG image: one path of unit squares on a white field, scaled by the page's
 * CSS; `label` is what a screen reader says instead.
 */
export function qrSvg(text: string, label: string): string {
  const key = `${label}\n${text}`;
  const cached = drawn.get(key);
  if (cached !== undefined) return cached;
  const svg = draw(text, label);
  if (drawn.size >= CACHE_SIZE) drawn.delete(drawn.keys().next().value!);
  drawn.set(key, svg);
  return svg;
}

function draw(text: string, label: string): string {
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
