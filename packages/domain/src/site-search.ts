import { DirectorError } from "./errors.js";

/**
 * A parsed site search: every term must match (AND). `id:N` an exact id, `name:x` and `desc:x` (or
 * `description:x`) a part of the name or description (case-insensitive), `user:x` a member's exact username, and a
 * plain word a part of the name or description, or a member's exact username. Values may be quoted
 * (`desc:"chess club"`, `"two words"`); an unknown `key:value` is a plain word.
 */
export interface SiteSearch {
  ids: number[];
  names: string[];
  descriptions: string[];
  users: string[];
  words: string[];
}

/** Longest query and most terms accepted: a search box, not a bulk interface (each term is one SQL condition). */
export const siteSearchMaxLength = 500;
export const siteSearchMaxTerms = 10;

const keyAliases: Record<string, keyof Omit<SiteSearch, "ids"> | "ids"> = {
  id: "ids",
  name: "names",
  desc: "descriptions",
  description: "descriptions",
  user: "users",
};

/** Splits on whitespace outside double quotes; the quotes themselves are dropped. */
function splitTerms(query: string): string[] {
  const terms: string[] = [];
  let current = "";
  let isQuoted = false;
  let hasTerm = false;
  for (const character of query) {
    if (character === '"') {
      isQuoted = !isQuoted;
      hasTerm = true;
    } else if (!isQuoted && /\s/.test(character)) {
      if (hasTerm) terms.push(current);
      current = "";
      hasTerm = false;
    } else {
      current += character;
      hasTerm = true;
    }
  }
  if (hasTerm) terms.push(current);
  return terms.filter((term) => term.length > 0);
}

function invalid(message: string): DirectorError {
  return new DirectorError("VALIDATION_FAILED", message, { details: { fields: { q: message } } });
}

/** Parses the `q` of `GET /api/sites`; an empty query matches everything. VALIDATION_FAILED (field `q`) when bad. */
export function parseSiteSearch(query: string): SiteSearch {
  if (query.length > siteSearchMaxLength) throw invalid(`A search is at most ${siteSearchMaxLength} characters.`);
  const search: SiteSearch = { ids: [], names: [], descriptions: [], users: [], words: [] };
  const terms = splitTerms(query);
  if (terms.length > siteSearchMaxTerms) throw invalid(`A search has at most ${siteSearchMaxTerms} terms.`);
  for (const term of terms) {
    const colon = term.indexOf(":");
    const key = colon > 0 ? keyAliases[term.slice(0, colon).toLowerCase()] : undefined;
    const value = key === undefined ? term : term.slice(colon + 1);
    if (key === undefined) {
      search.words.push(value);
    } else if (value.length === 0) {
      throw invalid(`"${term}" needs a value after the colon.`);
    } else if (key === "ids") {
      if (!/^[0-9]{1,9}$/.test(value)) throw invalid(`"${term}": a site id is a whole number.`);
      search.ids.push(Number(value));
    } else if (key === "users") {
      // usernames are stored lowercase; `user:` compares them exactly
      search.users.push(value.toLowerCase());
    } else {
      search[key].push(value);
    }
  }
  return search;
}

/** Escapes `\`, `%` and `_` so the text matches itself literally inside a LIKE/ILIKE pattern (escape character `\`). */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
