/**
 * The user guide: the Markdown files of one folder (`docs/guide` in this repository), read once at start and
 * rendered with markdown-it (raw HTML off, so a page can only hold what Markdown makes). Links to another page's
 * file (`dynamic-sites.md#run-sh`) become its address (`/docs/dynamic-sites#run-sh`), and every heading gets the id
 * those anchors name. Search is over the pages' text, in memory: a guide is a few dozen pages.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import MarkdownIt from "markdown-it";

/** One rendered page. */
export interface DocsPage {
  /** the file's name without `.md`; `index` is the contents */
  slug: string;
  title: string;
  html: string;
  /** the words a search looks through (headings, text and code, without markup) */
  plainText: string;
  /** plainText lowercased */
  searchText: string;
  /** the first paragraph's text: what a search result says of the page */
  summary: string;
}

/** A page that holds every searched word, and where the first one is. */
export interface DocsSearchHit {
  page: DocsPage;
  /** the words around the first match, plain text */
  excerpt: string;
  /** how many times the words occur (the order of the results) */
  score: number;
}

/** markdown-it's instance type (its typings export the constructor as the default value only). */
type Markdown = InstanceType<typeof MarkdownIt>;

const slugPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A heading's anchor: lowercase, every run of other characters one `-` (`Writing run.sh` → `writing-run-sh`). */
export function headingAnchor(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Where a link of a page goes: another page's file becomes its address; anything else is left as written. */
export function guideHref(href: string): string {
  const match = /^(?:\.\/)?([a-z0-9-]+)\.md(#[^\s]*)?$/.exec(href);
  if (!match) return href;
  const [, slug = "", anchor = ""] = match;
  return `${slug === "index" ? "/docs" : `/docs/${slug}`}${anchor}`;
}

/** A picture of the guide: `docs/guide/images/<name>.png`. */
export const guideImagePattern = /^[a-z0-9]+(-[a-z0-9]+)*\.png$/;
/** A picture past this is left out of the guide (and its page shows its words instead). */
const maxImageBytes = 1024 * 1024;

/** Where a picture of a page comes from: `images/<name>.png` becomes its address (absolute: /docs is a page too). */
export function guideImageSrc(src: string): string {
  const match = /^(?:\.\/)?images\/([^/]+)$/.exec(src);
  return match?.[1] !== undefined && guideImagePattern.test(match[1]) ? `/docs/images/${match[1]}` : src;
}

function markdownRenderer(): Markdown {
  const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
  // Ids on headings (once each per page: a repeated heading gets -2, -3), so that `page.md#anchor` links land.
  markdown.core.ruler.push("heading_ids", (state) => {
    const used = new Map<string, number>();
    state.tokens.forEach((token, index) => {
      if (token.type !== "heading_open") return;
      const base = headingAnchor(state.tokens[index + 1]?.content ?? "") || "section";
      const seen = used.get(base) ?? 0;
      used.set(base, seen + 1);
      token.attrSet("id", seen === 0 ? base : `${base}-${seen + 1}`);
    });
  });
  const renderToken = markdown.renderer.renderToken.bind(markdown.renderer);
  markdown.renderer.rules.link_open = (tokens, index, options) => {
    const token = tokens[index];
    if (token) {
      const href = guideHref(String(token.attrGet("href") ?? ""));
      token.attrSet("href", href);
      if (/^https?:/.test(href)) token.attrSet("rel", "noopener noreferrer");
    }
    return renderToken(tokens, index, options);
  };
  const renderImage = markdown.renderer.rules.image;
  markdown.renderer.rules.image = (tokens, index, options, env, self) => {
    const token = tokens[index];
    if (token) {
      token.attrSet("src", guideImageSrc(String(token.attrGet("src") ?? "")));
      token.attrSet("loading", "lazy");
    }
    return renderImage ? renderImage(tokens, index, options, env, self) : renderToken(tokens, index, options);
  };
  return markdown;
}

/** The plain text of Markdown: what markdown-it's inline and code tokens hold, without the markup. */
function plainTextOf(markdown: Markdown, source: string): { text: string; summary: string } {
  const parts: string[] = [];
  let summary = "";
  const tokens = markdown.parse(source, {});
  tokens.forEach((token, index) => {
    if (token.type === "inline" || token.type === "fence" || token.type === "code_block") {
      parts.push(token.content);
      const isParagraph = tokens[index - 1]?.type === "paragraph_open";
      if (summary === "" && isParagraph) summary = token.content.replace(/[`*_[\]]|\]\([^)]*\)/g, "");
    }
  });
  return { text: parts.join("\n"), summary };
}

export class DocsLibrary {
  readonly #pages: Map<string, DocsPage>;
  readonly #images: Map<string, Buffer>;
  /** the pages in the order the contents page links them, then the others by name */
  readonly order: readonly DocsPage[];

  private constructor(pages: Map<string, DocsPage>, order: readonly DocsPage[], images = new Map<string, Buffer>()) {
    this.#pages = pages;
    this.order = order;
    this.#images = images;
  }

  /** Reads and renders every `<slug>.md` of `dir` (none when it does not exist: the guide is not installed). */
  static async load(dir: string): Promise<DocsLibrary> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => name.endsWith(".md")).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new DocsLibrary(new Map(), []);
      throw error;
    }
    const markdown = markdownRenderer();
    const pages = new Map<string, DocsPage>();
    for (const name of names) {
      const slug = name.slice(0, -".md".length);
      if (!slugPattern.test(slug)) continue;
      const source = await readFile(path.join(dir, name), "utf8");
      const title = /^#\s+(.+)$/m.exec(source)?.[1]?.trim() ?? slug;
      const { text, summary } = plainTextOf(markdown, source);
      pages.set(slug, {
        slug,
        title,
        html: markdown.render(source),
        plainText: text,
        searchText: text.toLowerCase(),
        summary,
      });
    }
    const index = pages.get("index");
    const linked = index ? [...index.html.matchAll(/href="\/docs\/([a-z0-9-]+)"/g)].map((match) => match[1] ?? "") : [];
    const order = [...new Set([...linked, ...[...pages.keys()].sort()])]
      .filter((slug) => slug !== "index")
      .map((slug) => pages.get(slug))
      .filter((page): page is DocsPage => page !== undefined);
    return new DocsLibrary(pages, order, await readImages(path.join(dir, "images")));
  }

  page(slug: string): DocsPage | null {
    return this.#pages.get(slug) ?? null;
  }

  /** The PNG named `name` under images/, or null. */
  image(name: string): Buffer | null {
    return this.#images.get(name) ?? null;
  }

  /** Pages holding every word of `query` (case-insensitive), the most mentions first; at most `limit`. */
  search(query: string, limit = 20): DocsSearchHit[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
    if (words.length === 0) return [];
    const hits: DocsSearchHit[] = [];
    for (const page of this.#pages.values()) {
      const haystack = `${page.title.toLowerCase()}\n${page.searchText}`;
      const counts = words.map((word) => haystack.split(word).length - 1);
      if (counts.some((count) => count === 0)) continue;
      const titleBonus = words.filter((word) => page.title.toLowerCase().includes(word)).length * 10;
      const first = page.searchText.indexOf(words[0] ?? "");
      const from = Math.max(0, first - 60);
      // lowercasing keeps the length of nearly all text, so the match's place holds in the original
      const excerpt = first < 0 ? page.summary : page.plainText.slice(from, first + 100).replace(/\s+/g, " ");
      hits.push({ page, excerpt: `${from > 0 ? "…" : ""}${excerpt.trim()}…`, score: sum(counts) + titleBonus });
    }
    return hits.sort((a, b) => b.score - a.score || a.page.slug.localeCompare(b.page.slug)).slice(0, limit);
  }
}

/** The guide's pictures, read once at start like its pages: only PNG files with a plain name, 1 MiB at most. */
async function readImages(dir: string): Promise<Map<string, Buffer>> {
  const images = new Map<string, Buffer>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return images;
    throw error;
  }
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (const name of names.filter((candidate) => guideImagePattern.test(candidate))) {
    const body = await readFile(path.join(dir, name));
    if (body.length <= maxImageBytes && body.subarray(0, 8).equals(pngSignature)) images.set(name, body);
  }
  return images;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
