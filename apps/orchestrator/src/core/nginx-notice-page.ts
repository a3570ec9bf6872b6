import { DirectorError } from "@director/domain/errors";

/** The token a notice page's title or message writes where the requested site's name goes (see siteNameVariable). */
export const siteNameToken = "{site}";

/** The directives that answer every request of a location with a fixed HTML page; none of the site's files are reachable. */
export function renderNoticePage(status: number, title: string, message: string): string[] {
  return [
    // An empty types block makes the answer text/html whatever the requested file's extension.
    "types { }",
    "default_type text/html;",
    'add_header Cache-Control "no-store" always;',
    `return ${status} "${noticePageText(title, message)}";`,
  ];
}

/**
 * The page of `renderNoticePage` as the text of an nginx string (without its quotes); throws on what nginx would
 * misread. `siteNameVariable`: the nginx variable (a regex capture of the site-name grammar, so only [a-z0-9-]) that
 * replaces `{site}` in the page, for the shared server block that answers for every site by name.
 */
export function noticePageText(title: string, message: string, options: { siteNameVariable?: string } = {}): string {
  const html = `<!doctype html><html><head><meta charset=utf-8><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;
  // Inside an nginx string `"`, `\` and `$` are special; the page is built from checked values, so this only guards
  // edits. A page that must show a dollar sign writes the HTML entity `&#36;` instead.
  if (/["\\$]/.test(html))
    throw new DirectorError("INTERNAL", "A notice page may not contain quotes, backslashes or $.");
  const variable = options.siteNameVariable;
  if (variable !== undefined && !/^[a-z_]+$/.test(variable)) {
    throw new DirectorError("INTERNAL", "A notice page's site name variable must be a plain nginx variable name.");
  }
  // ${name}: the variable ends at the brace, whatever text follows it.
  return variable === undefined ? html : html.replaceAll(siteNameToken, `\${${variable}}`);
}
