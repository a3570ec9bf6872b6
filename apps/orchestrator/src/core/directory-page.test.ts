import { describe, expect, it } from "vitest";
import { compareNames, type DirectoryPageRequest, DirectoryPageSelector } from "./directory-page.js";

function select(names: readonly string[], request: DirectoryPageRequest) {
  const selector = new DirectoryPageSelector(request);
  for (const name of names) selector.offer(name);
  return selector.page();
}

/** A deterministic shuffle (a linear congruential generator), so that a failure can be replayed. */
function shuffled(names: readonly string[], seed: number): string[] {
  const copy = [...names];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as string, copy[index] as string];
  }
  return copy;
}

describe("DirectoryPageSelector", () => {
  const names = Array.from({ length: 1000 }, (_, index) => `file-${String(index).padStart(4, "0")}.txt`);

  it("gives the first names in order, says more follow, and counts every name", () => {
    expect(select(shuffled(names, 1), { limit: 3, after: null })).toEqual({
      names: ["file-0000.txt", "file-0001.txt", "file-0002.txt"],
      hasMore: true,
      total: 1000,
    });
  });

  it("walks the whole directory page by page, each name once, in order, whatever order it reads in", () => {
    for (const [limit, seed] of [
      [1, 2],
      [7, 3],
      [100, 4],
      [999, 5],
      [1000, 6],
      [5000, 7],
    ] as const) {
      const order = shuffled(names, seed);
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages <= names.length; pages++) {
        const page = select(order, { limit, after });
        seen.push(...page.names);
        if (!page.hasMore) break;
        after = page.names.at(-1) ?? null;
      }
      expect(seen, `limit ${limit}`).toEqual(names);
    }
  });

  it("gives an empty last page after the last name, and pages after a name that is not there", () => {
    expect(select(names, { limit: 5, after: "file-0999.txt" })).toEqual({ names: [], hasMore: false, total: 1000 });
    expect(select(names, { limit: 2, after: "file-0499.zzz" }).names).toEqual(["file-0500.txt", "file-0501.txt"]);
  });

  it("sorts by code units, not by the locale: capitals before small letters, 'é' after 'z'", () => {
    const mixed = ["b", "é", "a", "Z", "z", "A"];
    expect(select(mixed, { limit: 10, after: null }).names).toEqual(["A", "Z", "a", "b", "z", "é"]);
    expect([...mixed].sort(compareNames)).toEqual(["A", "Z", "a", "b", "z", "é"]);
  });
});
