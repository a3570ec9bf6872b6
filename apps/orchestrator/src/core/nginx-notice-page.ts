import { DirectorError } from "@director/domain/errors";

/** The directives that answer every request of a location with a fixed HTML page; none of the site's files are reachable. */
export function renderNoticePage(status: number, title: string, message: string): string[] {
  const html = `<!doctype html><html><head><meta charset=utf-8><title>${title}</title></head><body><h1>${title}</h1><p>${message}</p></body></html>`;
  // Inside an nginx string `"`, `\` and `$` are special; the page is built from checked values, so this only guards
  // edits. A page that must show a dollar sign writes the HTML entity `&#36;` instead.
  if (/["\\$]/.test(html))
    throw new DirectorError("INTERNAL", "A notice page may not contain quotes, backslashes or $.");
  return [
    // An empty types block makes the answer text/html whatever the requested file's extension.
    "types { }",
    "default_type text/html;",
    'add_header Cache-Control "no-store" always;',
    `return ${status} "${html}";`,
  ];
}
