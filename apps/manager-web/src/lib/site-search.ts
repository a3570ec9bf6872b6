/**
 * The site list's address and query. The search box's text (`id:12`, `name:club`, `desc:robotics`, `user:jdoe`
 * and plain words, all of which must match; quotes keep spaces) is sent as-is to `GET /api/sites?q=`: the server
 * searches every site the caller may see and says how many match (`total`).
 */
import { pathTo, withQuery } from "./routes";

export const sitesPageSize = 50;

/** The query of `GET /api/sites` for a search box value and a 0-based page number. */
export function siteListQuery(search: string, page: number): { q?: string; limit: number; offset: number } {
  const q = search.trim().replace(/\s+/g, " ");
  return { ...(q === "" ? {} : { q }), limit: sitesPageSize, offset: Math.max(0, page) * sitesPageSize };
}

/** The address bar's query for the site list (`?q=…&page=2`), so a search can be bookmarked and shared. */
export function siteListLocation(search: string, page: number): string {
  return withQuery(pathTo("sites"), { q: search.trim(), page: page > 0 ? page + 1 : null });
}

/** The search box value and 0-based page from the address bar's query. */
export function readSiteListLocation(search: string): { q: string; page: number } {
  const params = new URLSearchParams(search);
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return { q: params.get("q") ?? "", page: Number.isFinite(page) && page > 1 ? page - 1 : 0 };
}

/** "51–100 of 130 sites" for a page of `count` results (0-based page); "" when there is none. */
export function siteListRange(total: number, page: number, count: number): string {
  if (total === 0 || count === 0) return "";
  const first = page * sitesPageSize + 1;
  const noun = total === 1 ? "site" : "sites";
  return count === total ? `${total} ${noun}` : `${first}–${first + count - 1} of ${total} ${noun}`;
}

/** True when sites come after this 0-based page. */
export const hasNextSitePage = (total: number, page: number) => (page + 1) * sitesPageSize < total;
