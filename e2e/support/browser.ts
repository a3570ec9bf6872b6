import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { repoRoot } from "./director-process.js";

/** Debian's chromium (`scripts/setup-host.sh --browser`); playwright-core never downloads a browser here. */
export const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Screenshots of the main pages, for a person to look at (gitignored). */
export const screenshotDir = path.join(repoRoot, ".artifacts", "screenshots");

/** `extraArgs`: more Chromium switches, such as `--host-resolver-rules=MAP name 127.0.0.1` for a test's own names. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] });
}

/** A fresh browser profile (its own cookies) at the manager's address; phone-sized when asked. */
export async function newUserContext(
  browser: Browser,
  baseURL: string,
  options: { isPhone?: boolean; ignoreHTTPSErrors?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    ...(options.ignoreHTTPSErrors ? { ignoreHTTPSErrors: true } : {}),
    viewport: options.isPhone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
    ...(options.isPhone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Saves a full-page screenshot as `<name>.png` under .artifacts/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Where the user guide's pictures are taken; `scripts/guide-images.sh` copies them into docs/guide/images. */
export const guideImageDir = path.join(repoRoot, ".artifacts", "guide-images");

/**
 * Saves a picture for the user guide as `<name>.png` under .artifacts/guide-images: what a person sees of a page (its
 * viewport, not the whole length) or one part of it.
 */
export async function guidePicture(target: Page | Locator, name: string): Promise<void> {
  await mkdir(guideImageDir, { recursive: true });
  await target.screenshot({ path: path.join(guideImageDir, `${name}.png`), animations: "disabled" });
}

/** Logs in through the login form, as a person would, and waits for the site list. */
export async function logInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Sites" }).waitFor();
}

/** Collects the page's console errors and uncaught exceptions, so a test can assert there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx the page handles (a form's validation error) is logged by the browser as a failed resource: not a bug.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** How many CSS pixels the page is wider than the window (0 or less: no sideways scrolling). */
export async function horizontalOverflowPx(page: Page): Promise<number> {
  // A string: this file is type-checked without the DOM library; the expression runs in the page.
  return Number(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"));
}

/**
 * Logs in through the form and, when the installation asks for it (the people branch), accepts the guidelines
 * first; resolves on the site list.
 */
export async function logInAcceptingGuidelines(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  const sites = page.getByRole("heading", { level: 1, name: "Sites" });
  const guidelines = page.getByRole("heading", { level: 1, name: "Guidelines" });
  await sites.or(guidelines).waitFor();
  if (await guidelines.isVisible()) {
    await page.getByLabel(/I have read these guidelines/).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await sites.waitFor();
  }
}
