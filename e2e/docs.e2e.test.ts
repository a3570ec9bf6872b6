/**
 * The user guide at /docs on a real `director up`, in Chromium: every link of every page is followed (pages load,
 * anchors exist, every guide file is reached), the search finds pages, and the pages read on a phone.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collectPageErrors,
  horizontalOverflowPx,
  launchChromium,
  newUserContext,
  screenshot,
} from "./support/browser.js";
import { DirectorProcess } from "./support/director-process.js";

const guideDir = path.resolve(import.meta.dirname, "..", "docs", "guide");
/** The only sites outside Director a page may link to (not fetched: this machine has no internet). */
const allowedHosts = new Set([
  "nodejs.org",
  "www.python.org",
  "docs.python.org",
  "python.org",
  "www.php.net",
  "php.net",
]);

describe("director up: the user guide", () => {
  let director: DirectorProcess;
  let browser: Browser;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await director?.stop();
    await director?.removeDockerObjects(); // unmounts what `director up` mounted below its data directory
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  /** The links of the page on screen, resolved. */
  const linksOf = (page: Page) =>
    page.$$eval("a[href]", (anchors) => anchors.map((anchor) => (anchor as unknown as { href: string }).href));

  it("follows every link of every page: each page loads, each anchor exists, every guide file is reached", async () => {
    const page = await (await newUserContext(browser, director.managerUrl)).newPage();
    const errors = collectPageErrors(page);
    const origin = new URL(director.managerUrl).origin;
    const visited = new Set<string>();
    const queue = [`${origin}/docs`];
    const anchors: Array<{ from: string; to: string }> = [];
    const outside: string[] = [];
    const shownImages = new Set<string>();
    while (queue.length > 0) {
      const address = queue.shift() ?? "";
      if (visited.has(address)) continue;
      visited.add(address);
      const answer = await page.goto(address);
      expect(answer?.status(), address).toBe(200);
      // every picture of the page is drawn (lazy ones scrolled into view first)
      for (const image of await page.locator("main img").all()) {
        await image.scrollIntoViewIfNeeded();
        await expect
          .poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth), {
            message: `${address}: ${await image.getAttribute("src")}`,
          })
          .toBeGreaterThan(0);
        shownImages.add(new URL((await image.getAttribute("src")) ?? "", origin).pathname);
      }
      for (const link of await linksOf(page)) {
        const url = new URL(link);
        if (url.origin !== origin) {
          outside.push(link);
          continue;
        }
        if (url.hash !== "") anchors.push({ from: address, to: link });
        url.hash = "";
        if (url.pathname.startsWith("/docs") && url.pathname !== "/docs/search") queue.push(url.href);
        else if (!url.pathname.startsWith("/docs")) {
          const elsewhere = await page.request.get(url.href);
          expect(elsewhere.status(), `${address} links to ${url.href}`).toBeLessThan(400);
        }
      }
    }
    for (const { from, to } of anchors) {
      await page.goto(to);
      const id = decodeURIComponent(new URL(to).hash.slice(1));
      expect(await page.locator(`[id="${id}"]`).count(), `${from} links to ${to}`).toBe(1);
    }
    for (const link of outside) {
      const url = new URL(link);
      expect(url.protocol, link).toBe("https:");
      expect(allowedHosts.has(url.hostname), link).toBe(true);
    }
    const files = (await readdir(guideDir)).filter((name) => name.endsWith(".md"));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const address = file === "index.md" ? `${origin}/docs` : `${origin}/docs/${file.slice(0, -3)}`;
      expect(visited.has(address), `${file} is reached from the contents`).toBe(true);
    }
    const images = (await readdir(path.join(guideDir, "images"))).filter((name) => name.endsWith(".png"));
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images) expect(shownImages.has(`/docs/images/${image}`), `${image} is shown`).toBe(true);
    expect(errors).toEqual([]);
  });

  it("searches the guide, and says so when nothing matches", async () => {
    const page = await (await newUserContext(browser, director.managerUrl)).newPage();
    await page.goto("/docs");
    await screenshot(page, "docs-contents");
    await page.getByRole("searchbox", { name: "Search the guide" }).fill("run.sh PORT");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("heading", { level: 1, name: /Results for/ }).waitFor();
    const results = page.locator(".hits a");
    expect(await results.count()).toBeGreaterThan(0);
    expect(await results.allTextContents()).toContain("Dynamic sites");
    await screenshot(page, "docs-search");
    await page.goto("/docs/search?q=zzzz-not-a-word");
    await page.getByText("No page has every one of these words").waitFor();
    const missing = await page.goto("/docs/no-such-page");
    expect(missing?.status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "No such page" }).waitFor();
  });

  it("reads on a phone without sideways scrolling", async () => {
    const phone = await (await newUserContext(browser, director.managerUrl, { isPhone: true })).newPage();
    await phone.goto("/docs/dynamic-sites");
    await phone.getByRole("heading", { level: 1 }).waitFor();
    expect(await horizontalOverflowPx(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, "docs-dynamic-sites-phone");
  });
});
