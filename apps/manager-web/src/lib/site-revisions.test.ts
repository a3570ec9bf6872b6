import { describe, expect, it } from "vitest";
import { SiteRevisions } from "./site-revisions";

describe("SiteRevisions", () => {
  it("asks for one read per newer revision, whatever repeats it while the read is on its way", () => {
    const revisions = new SiteRevisions();
    expect(revisions.shouldRead("ann", 4, 4)).toBe(false); // the greeting: what the page shows
    expect(revisions.shouldRead("ann", 4, 6)).toBe(true);
    expect(revisions.shouldRead("ann", 4, 6)).toBe(false); // a reconnect's greeting before the read came back
    expect(revisions.shouldRead("ann", 6, 6)).toBe(false);
    expect(revisions.shouldRead("ann", 6, 7)).toBe(true);
  });

  it("never reads for an older revision, and keeps sites apart", () => {
    const revisions = new SiteRevisions();
    expect(revisions.shouldRead("ann", 9, 3)).toBe(false);
    expect(revisions.shouldRead("bob", 1, 2)).toBe(true);
    expect(revisions.shouldRead("ann", 1, 2)).toBe(true);
  });
});
