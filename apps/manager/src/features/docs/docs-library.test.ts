import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageDocument, searchDocument } from "./docs-html.js";
import { DocsLibrary, guideHref, headingAnchor } from "./docs-library.js";

describe("the user guide's links and anchors", () => {
  it.each([
    ["Writing run.sh for Node.js", "writing-run-sh-for-node-js"],
    ["  What is a site?  ", "what-is-a-site"],
    ["PORT & HOST", "port-host"],
  ])("anchors %j as %s", (heading, anchor) => {
    expect(headingAnchor(heading)).toBe(anchor);
  });

  it.each([
    ["dynamic-sites.md", "/docs/dynamic-sites"],
    ["./dynamic-sites.md#run-sh", "/docs/dynamic-sites#run-sh"],
    ["index.md", "/docs"],
    ["https://nodejs.org/", "https://nodejs.org/"],
    ["#local", "#local"],
    ["../README.md", "../README.md"],
  ])("turns %s into %s", (href, address) => {
    expect(guideHref(href)).toBe(address);
  });
});

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("DocsLibrary", () => {
  let dir: string;
  let library: DocsLibrary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "director-docs-"));
    await writeFile(
      path.join(dir, "index.md"),
      "# Guide\n\nStart here.\n\n- [Dynamic sites](dynamic-sites.md)\n- [Alpha](alpha.md)\n",
    );
    await writeFile(
      path.join(dir, "dynamic-sites.md"),
      "# Dynamic sites\n\nA site that runs `run.sh`.\n\n## Run.sh\n\nListen on $PORT.\n\n## Run.sh\n\nAgain.\n\n<script>alert(1)</script>\n\n[back](index.md) [out](https://nodejs.org/)\n",
    );
    await writeFile(
      path.join(dir, "alpha.md"),
      "# Alpha\n\nThe port is PORT, port again.\n\n![The site page](images/site-page.png) ![x](../secret.png)\n",
    );
    await mkdir(path.join(dir, "images"));
    await writeFile(path.join(dir, "images", "site-page.png"), Buffer.concat([pngSignature, Buffer.from("pixels")]));
    await writeFile(path.join(dir, "images", "not-a-png.png"), "GIF89a");
    await writeFile(path.join(dir, "images", "Bad Name.png"), pngSignature);
    await writeFile(path.join(dir, "zeta.md"), "# Zeta\n\nNot linked from the contents.\n");
    await writeFile(path.join(dir, "Bad Name.md"), "# Ignored\n");
    library = await DocsLibrary.load(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("orders the pages as the contents links them, then the rest by name, and skips bad file names", () => {
    expect(library.order.map((page) => page.slug)).toEqual(["dynamic-sites", "alpha", "zeta"]);
    expect(library.page("Bad Name")).toBeNull();
  });

  it("renders Markdown with ids on headings, guide links rewritten, raw HTML escaped", () => {
    const page = library.page("dynamic-sites");
    expect(page?.title).toBe("Dynamic sites");
    expect(page?.summary).toBe("A site that runs run.sh.");
    expect(page?.html).toContain('<h2 id="run-sh">Run.sh</h2>');
    expect(page?.html).toContain('<h2 id="run-sh-2">Run.sh</h2>');
    expect(page?.html).toContain('<a href="/docs">back</a>');
    expect(page?.html).toContain('<a href="https://nodejs.org/" rel="noopener noreferrer">out</a>');
    expect(page?.html).not.toContain("<script>");
    expect(page?.html).toContain("&lt;script&gt;");
  });

  it("serves only the PNG pictures of images/ with plain names, at absolute addresses", () => {
    expect(library.image("site-page.png")?.subarray(0, 8)).toEqual(pngSignature);
    expect(library.image("not-a-png.png")).toBeNull();
    expect(library.image("Bad Name.png")).toBeNull();
    const html = library.page("alpha")?.html ?? "";
    expect(html).toContain('<img src="/docs/images/site-page.png" alt="The site page" loading="lazy">');
    // anything else keeps its address, which the guide's own route does not serve
    expect(html).toContain('src="../secret.png"');
  });

  it("finds pages holding every word, the most mentions first, with an excerpt", () => {
    const hits = library.search("port");
    expect(hits.map((hit) => hit.page.slug)).toEqual(["alpha", "dynamic-sites"]);
    expect(hits[0]?.excerpt).toContain("The port is PORT");
    expect(library.search("port again").map((hit) => hit.page.slug)).toEqual(["alpha", "dynamic-sites"]);
    expect(library.search("port nowhere-to-be-found")).toEqual([]);
    expect(library.search("   ")).toEqual([]);
  });

  it("escapes what a search query carries into the page", () => {
    const html = searchDocument(library, '<img src=x onerror="alert(1)">', []);
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
    const page = library.page("alpha");
    if (!page) throw new Error("alpha is missing");
    expect(pageDocument(library, page)).toContain('aria-current="page">Alpha</a>');
  });

  it("is empty, not an error, when the folder does not exist", async () => {
    const missing = await DocsLibrary.load(path.join(dir, "nope"));
    expect(missing.order).toEqual([]);
    expect(missing.search("port")).toEqual([]);
  });
});
