/**
 * The user guide's pages as whole HTML documents: the rendered Markdown inside a frame with the contents, a search
 * form and a way back to Director. Plain server-rendered HTML with its own small stylesheet, readable on a phone
 * and without JavaScript. Everything that is not the renderer's own output is escaped here.
 */
import type { DocsLibrary, DocsPage, DocsSearchHit } from "./docs-library.js";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const styles = `
:root { color-scheme: light dark; --accent: #2457c5; --muted: #666; --line: #ddd; --code: #f4f4f6; }
@media (prefers-color-scheme: dark) { :root { --accent: #8fb0ff; --muted: #aaa; --line: #444; --code: #23242a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, sans-serif; }
a { color: var(--accent); }
header { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center; padding: .75rem 1.25rem;
  border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; text-decoration: none; }
header form { display: flex; gap: .5rem; margin-left: auto; }
header input { font: inherit; padding: .3rem .5rem; width: 12rem; max-width: 50vw; }
header button { font: inherit; padding: .3rem .75rem; }
.layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 2rem; max-width: 70rem; margin: 0 auto;
  padding: 1.25rem; }
nav ol { list-style: none; padding: 0; margin: 0; }
nav li { margin: .2rem 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
main { min-width: 0; }
pre { background: var(--code); padding: .75rem 1rem; overflow-x: auto; border-radius: 6px; }
code { background: var(--code); padding: .1rem .25rem; border-radius: 4px; font-size: .92em; }
pre code { background: none; padding: 0; }
main img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; }
.muted { color: var(--muted); }
.hits li { margin-bottom: 1rem; }
@media (max-width: 48rem) { .layout { grid-template-columns: 1fr; } nav { order: 2; border-top: 1px solid var(--line);
  padding-top: 1rem; } header form { margin-left: 0; width: 100%; } header input { flex: 1; max-width: none; } }
`;

/** The contents, the current page marked. */
function navigation(library: DocsLibrary, current: string): string {
  const item = (href: string, title: string, slug: string) =>
    `<li><a href="${href}"${slug === current ? ' aria-current="page"' : ""}>${escapeHtml(title)}</a></li>`;
  return `<nav aria-label="Guide"><ol>${item("/docs", "Contents", "index")}${library.order
    .map((page) => item(`/docs/${page.slug}`, page.title, page.slug))
    .join("")}</ol></nav>`;
}

/** A whole document around `body`. */
function documentOf(library: DocsLibrary, options: { title: string; current: string; body: string; query?: string }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Director guide</title>
<style>${styles}</style>
</head>
<body>
<header>
<a class="brand" href="/docs">Director guide</a>
<a href="/">Back to Director</a>
<form action="/docs/search" method="get" role="search">
<input type="search" name="q" aria-label="Search the guide" placeholder="Search the guide" value="${escapeHtml(options.query ?? "")}">
<button type="submit">Search</button>
</form>
</header>
<div class="layout">
<main>${options.body}</main>
${navigation(library, options.current)}
</div>
</body>
</html>
`;
}

export function pageDocument(library: DocsLibrary, page: DocsPage): string {
  return documentOf(library, { title: page.title, current: page.slug, body: page.html });
}

/** The contents when there is no index page, or when the guide is not installed at all. */
export function contentsDocument(library: DocsLibrary): string {
  const body =
    library.order.length === 0
      ? "<h1>Director guide</h1><p>The guide is not installed here (<code>DIRECTOR_DOCS_DIR</code>).</p>"
      : `<h1>Director guide</h1><ol>${library.order
          .map((page) => `<li><a href="/docs/${page.slug}">${escapeHtml(page.title)}</a></li>`)
          .join("")}</ol>`;
  return documentOf(library, { title: "Contents", current: "index", body });
}

export function searchDocument(library: DocsLibrary, query: string, hits: readonly DocsSearchHit[]): string {
  const heading = query === "" ? "<h1>Search the guide</h1>" : `<h1>Results for “${escapeHtml(query)}”</h1>`;
  const results =
    query === ""
      ? "<p>Type words to look for above.</p>"
      : hits.length === 0
        ? `<p>No page has every one of these words. Try fewer or other words, or browse the contents.</p>`
        : `<ol class="hits">${hits
            .map(
              (hit) =>
                `<li><a href="${hit.page.slug === "index" ? "/docs" : `/docs/${hit.page.slug}`}">${escapeHtml(hit.page.title)}</a><br><span class="muted">${escapeHtml(hit.excerpt)}</span></li>`,
            )
            .join("")}</ol>`;
  return documentOf(library, { title: "Search", current: "search", body: heading + results, query });
}

export function notFoundDocument(library: DocsLibrary, slug: string): string {
  const body = `<h1>No such page</h1><p>The guide has no page “${escapeHtml(slug)}”. Search for it above, or start from the <a href="/docs">contents</a>.</p>`;
  return documentOf(library, { title: "No such page", current: "", body });
}
