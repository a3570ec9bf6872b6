/**
 * The site search box's language: `id:12`, `name:club`, `desc:robotics`, `user:jdoe` and plain words, all of
 * which must match (case-insensitive; quotes keep spaces: `desc:"lab notes"`). The query text is sent as-is
 * to `GET /api/sites?q=` (the server searches every site the caller may see); `matchesSiteSearch` applies the
 * same rules to the page in hand, so the box also works against a manager that does not search yet.
 */
import type { SiteView } from "@director/contracts/manager-api";

export type SearchField = "id" | "name" | "desc" | "user" | "text";

export interface SearchTerm {
  field: SearchField;
  value: string;
}

const fields = new Set<SearchField>(["id", "name", "desc", "user"]);

/** Splits a query into terms; an unknown `word:` prefix is part of a plain word. Empty terms are dropped. */
export function parseSiteSearch(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const tokens = query.match(/(?:[^\s"]+:)?"[^"]*"?|\S+/g) ?? [];
  for (const token of tokens) {
    const colon = token.indexOf(":");
    const prefix = colon > 0 ? token.slice(0, colon).toLowerCase() : "";
    const isField = fields.has(prefix as SearchField);
    const raw = isField ? token.slice(colon + 1) : token;
    const value = raw.replace(/^"|"$/g, "").trim().toLowerCase();
    if (value !== "") terms.push({ field: isField ? (prefix as SearchField) : "text", value });
  }
  return terms;
}

/** True when the site matches every term. */
export function matchesSiteSearch(
  site: Pick<SiteView, "id" | "name" | "description" | "members">,
  terms: SearchTerm[],
): boolean {
  const name = site.name.toLowerCase();
  const description = site.description.toLowerCase();
  const members = site.members.map((member) => member.toLowerCase());
  const matches: Record<SearchField, (value: string) => boolean> = {
    id: (value) => String(site.id) === value,
    name: (value) => name.includes(value),
    desc: (value) => description.includes(value),
    user: (value) => members.includes(value),
    text: (value) => name.includes(value) || description.includes(value) || members.includes(value),
  };
  return terms.every(({ field, value }) => matches[field](value));
}

export const sitesPageSize = 50;

/** The query of `GET /api/sites` for a search box value and a 0-based page number. */
export function siteListQuery(search: string, page: number): { q?: string; limit: number; offset: number } {
  const q = search.trim().replace(/\s+/g, " ");
  return { ...(q === "" ? {} : { q }), limit: sitesPageSize, offset: Math.max(0, page) * sitesPageSize };
}

/** The address bar's query for the site list (`?q=…&page=2`), so a search can be bookmarked and shared. */
export function siteListLocation(search: string, page: number): string {
  const params = new URLSearchParams();
  const q = search.trim();
  if (q !== "") params.set("q", q);
  if (page > 0) params.set("page", String(page + 1));
  const text = params.toString();
  return text === "" ? "/" : `/?${text}`;
}

/** The search box value and 0-based page from the address bar's query. */
export function readSiteListLocation(search: string): { q: string; page: number } {
  const params = new URLSearchParams(search);
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return { q: params.get("q") ?? "", page: Number.isFinite(page) && page > 1 ? page - 1 : 0 };
}
