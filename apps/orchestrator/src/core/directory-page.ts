/**
 * Picks one page of a directory's names while they are read one by one, in memory bounded by the page's size and not
 * by the directory's: a directory may hold hundreds of thousands of entries, in no order. Pure.
 */

import { directoryPageDefaultLimit } from "@director/contracts/orchestrator-files";

/** Which page: at most `limit` names, those after `after` (null: from the first). */
export interface DirectoryPageRequest {
  limit: number;
  after: string | null;
}

/** The first page, of the default size. */
export const firstDirectoryPage: DirectoryPageRequest = { limit: directoryPageDefaultLimit, after: null };

/** The names of one page, sorted; whether more come after them; how many names were offered in all. */
export interface SelectedPage {
  names: string[];
  hasMore: boolean;
  total: number;
}

/**
 * Keeps the `limit + 1` smallest names after `after` (one more than the page, to know whether another page follows).
 * Candidates collect up to twice that, then are sorted and cut back: O(n log limit) time for n names, O(limit) memory.
 * Names compare as JavaScript strings (UTF-16 code units), the order of the listing and of `after`.
 */
export class DirectoryPageSelector {
  readonly #request: DirectoryPageRequest;
  readonly #keep: number;
  #candidates: string[] = [];
  /** once cut back: the largest name kept; a name not smaller cannot be on the page */
  #bound: string | null = null;
  #total = 0;

  constructor(request: DirectoryPageRequest) {
    this.#request = request;
    this.#keep = request.limit + 1;
  }

  offer(name: string): void {
    this.#total++;
    if (this.#request.after !== null && name <= this.#request.after) return;
    if (this.#bound !== null && name >= this.#bound) return;
    this.#candidates.push(name);
    if (this.#candidates.length >= 2 * this.#keep) this.#cutBack();
  }

  page(): SelectedPage {
    this.#cutBack();
    const hasMore = this.#candidates.length > this.#request.limit;
    return { names: this.#candidates.slice(0, this.#request.limit), hasMore, total: this.#total };
  }

  #cutBack(): void {
    this.#candidates.sort(compareNames);
    if (this.#candidates.length > this.#keep) {
      this.#candidates.length = this.#keep;
      this.#bound = this.#candidates[this.#keep - 1] ?? null;
    }
  }
}

/** The listing's order: JavaScript's string order (byte order for ASCII names), never the locale's. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
