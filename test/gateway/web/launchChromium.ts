import { chromium, type Browser } from "playwright-core";

/**
 * The Chromium that `@sparticuz/chromium` ships inside npm, started so that it stays off the closed network
 * (TOOLCHAIN.md's flags). Its own `--single-process` suits a lambda; here closing a context would take the
 * whole browser down, so it is left out.
 */
export async function launchChromium(): Promise<Browser> {
  // An ES module: loaded with a real dynamic import from CommonJS.
  const chromiumPackage = (await import("@sparticuz/chromium")).default;
  return chromium.launch({
    executablePath: await chromiumPackage.executablePath(),
    args: [
      ...chromiumPackage.args.filter((arg) => arg !== "--single-process"),
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A world and Chromium, started at once. Whichever started is handed to `keep` before a failure of the
 * other is thrown, so the suite's `after` stops it either way.
 */
export async function startWithChromium<W>(
  build: Promise<W>,
  keep: (started: { world?: W; browser?: Browser }) => void,
): Promise<void> {
  const [built, launched] = await Promise.allSettled([build, launchChromium()]);
  keep({
    world: built.status === "fulfilled" ? built.value : undefined,
    browser: launched.status === "fulfilled" ? launched.value : undefined,
  });
  for (const outcome of [built, launched]) if (outcome.status === "rejected") throw outcome.reason;
}
