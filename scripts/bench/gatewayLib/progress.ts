/** Progress lines go to stderr, so stdout carries only the table (or the one JSON object). */
export function progress(line: string): void {
  process.stderr.write(`[bench:gateway] ${line}\n`);
}
