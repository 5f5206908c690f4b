import { expect } from "chai";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";

export const ARTIFACTS = path.resolve(__dirname, "../../../test-artifacts/web");
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const SIZES = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 900 },
} as const;
export type Size = keyof typeof SIZES;
export type Lang = "fa" | "en";
/** Both languages at both sizes, each language first on a different size. */
export const RUNS: { lang: Lang; size: Size }[] = [
  { lang: "fa", size: "phone" },
  { lang: "en", size: "desktop" },
  { lang: "en", size: "phone" },
  { lang: "fa", size: "desktop" },
];

export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Every request the page made, and every CSP violation or script error it reported. */
  requests: string[];
  problems: string[];
}

/**
 * What every browser journey does on its pages: a fresh context at a size, axe-core, a screenshot after a
 * check that nothing runs off a phone's screen, the check that no request left the gateway's pages and
 * no CSP violation or script error happened, and signing in with the keyboard alone.
 */
export function browserVisits(browser: () => Browser, base: () => string) {
  mkdirSync(ARTIFACTS, { recursive: true });

  async function visit(size: Size): Promise<Visit> {
    const context = await browser().newContext({ viewport: SIZES[size], locale: "fa-IR" });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    return { context, page, requests, problems };
  }

  /** axe-core's serious and critical violations on the page as it is now. */
  async function accessibility(page: Page, where: string): Promise<void> {
    // Through the DevTools protocol, not a <script> tag: the page's own CSP stays as served.
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await axe.run();
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => (n as { html: string }).html).join(" | ")}`);
    });
    expect(violations, where).to.deep.equal([]);
  }

  /** Saves a full-page screenshot, after checking nothing runs off the side of a phone's screen. */
  async function shot(page: Page, name: string): Promise<void> {
    const overflow = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      screen: window.innerWidth,
      wide: [...document.querySelectorAll("main *")]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.right > window.innerWidth + 1 || box.left < -1;
        })
        .slice(0, 3)
        .map((el) => el.outerHTML.slice(0, 120)),
    }));
    expect(overflow.width, `${name}: wider than the screen: ${overflow.wide.join(" | ")}`).to.be.at.most(
      overflow.screen,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  async function finish(visit: Visit): Promise<void> {
    const outside = visit.requests.filter((url) => !url.startsWith(`${base()}/app`));
    expect(outside, "requests outside the gateway's pages").to.deep.equal([]);
    expect(visit.problems, "CSP violations or script errors").to.deep.equal([]);
    await visit.context.close();
  }

  /** Signs in with the keyboard alone, from the page that asked for it, in the language chosen. */
  async function signIn(
    page: Page,
    lang: Lang,
    apiKey: string,
    next: string,
    askedFor = next,
  ): Promise<void> {
    await page.goto(`${base()}${askedFor}`);
    expect(page.url()).to.include("/app/login");
    if (lang === "en") {
      await tabTo(page, 'form[action="/app/language"] button');
      await Promise.all([page.locator('html[dir="ltr"]').waitFor(), page.keyboard.press("Enter")]);
      expect(page.url()).to.include("/app/login");
    } else {
      expect(await page.locator("html").getAttribute("dir")).to.equal("rtl");
    }
    await page.locator("body").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).to.equal("skip");
    // The skip link leads to the content, whose first stop is the key's field.
    await page.keyboard.press("Enter");
    expect(await tabTo(page, "#apiKey")).to.deep.equal(["input#apiKey"]);
    await page.keyboard.type(apiKey);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === next);
  }

  /**
   * Presses Tab (Shift+Tab backwards) until the focus is on `selector`: every stop on the way must show
   * that it has the focus (an outline or a shadow). Returns the stops, each as `tag#id[name=value]` or
   * `a[href]`, so a journey can check the order the keyboard meets the controls in.
   */
  async function tabTo(
    page: Page,
    selector: string,
    options: { backwards?: boolean; maxTabs?: number } = {},
  ): Promise<string[]> {
    const stops: string[] = [];
    for (let i = 0; i < (options.maxTabs ?? 150); i++) {
      await page.keyboard.press(options.backwards ? "Shift+Tab" : "Tab");
      const stop = await page.evaluate((wanted) => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return { at: "body", shown: false, found: false };
        const style = getComputedStyle(element);
        const ring =
          (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
        const at =
          element.tagName.toLowerCase() +
          (element.id ? `#${element.id}` : "") +
          (element.getAttribute("href") ? `[${element.getAttribute("href")}]` : "") +
          (element.getAttribute("type") === "radio"
            ? `[${element.getAttribute("name")}=${(element as HTMLInputElement).value}]`
            : "") +
          (element.tagName === "BUTTON" && !element.id ? `(${(element.textContent ?? "").trim()})` : "");
        return { at, shown: element.matches(":focus-visible") && ring, found: element.matches(wanted) };
      }, selector);
      if (stop.at === "body") throw new Error(`${selector}: not met before the page's end`);
      expect(stop.shown, `the focus is not shown on ${stop.at}`).to.equal(true);
      stops.push(stop.at);
      if (stop.found) return stops;
    }
    throw new Error(`${selector}: not reached by the keyboard`);
  }

  /**
   * Through the skip link to the content, so the next Tab is the content's first stop: the first Tab of a
   * page just loaded, or Shift+Tab back to it from wherever the focus is.
   */
  async function skipToContent(page: Page): Promise<void> {
    await page.keyboard.press("Tab");
    if (!(await page.evaluate(() => document.activeElement?.classList.contains("skip"))))
      await tabTo(page, "a.skip", { backwards: true });
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("main");
  }

  /** Follows a link with the keyboard alone: focused by Tab presses from the page's start, then Enter. */
  async function keyboardFollow(page: Page, href: string, maxTabs = 150): Promise<void> {
    await page.locator("body").focus();
    for (let i = 0; i < maxTabs; i++) {
      await page.keyboard.press("Tab");
      const at = await page.evaluate(() => document.activeElement?.getAttribute("href"));
      if (at === href) {
        await Promise.all([
          page.waitForURL((url) => url.pathname + url.search === href),
          page.keyboard.press("Enter"),
        ]);
        return;
      }
    }
    throw new Error(`${href}: not reached by ${maxTabs} Tab presses`);
  }

  return { visit, accessibility, shot, finish, signIn, keyboardFollow, tabTo, skipToContent };
}
