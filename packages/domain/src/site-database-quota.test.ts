import { describe, expect, it } from "vitest";
import { decideDatabaseWrites, effectiveSizeLimit } from "./site-database-quota.js";

describe("decideDatabaseWrites", () => {
  it("stops writes only past the limit, and allows them again at or under it", () => {
    expect(decideDatabaseWrites({ sizeBytes: 101, limitBytes: 100, isStopped: false })).toBe("stop");
    expect(decideDatabaseWrites({ sizeBytes: 100, limitBytes: 100, isStopped: false })).toBe("keep");
    expect(decideDatabaseWrites({ sizeBytes: 101, limitBytes: 100, isStopped: true })).toBe("keep");
    expect(decideDatabaseWrites({ sizeBytes: 100, limitBytes: 100, isStopped: true })).toBe("allow");
  });

  it("allows a stopped database whose limit was taken away", () => {
    expect(decideDatabaseWrites({ sizeBytes: 10 ** 12, limitBytes: null, isStopped: true })).toBe("allow");
    expect(decideDatabaseWrites({ sizeBytes: 10 ** 12, limitBytes: null, isStopped: false })).toBe("keep");
  });
});

describe("effectiveSizeLimit", () => {
  it("prefers the administrator's limit for the database over the default", () => {
    expect(effectiveSizeLimit(5, 10)).toBe(5);
    expect(effectiveSizeLimit(null, 10)).toBe(10);
    expect(effectiveSizeLimit(null, null)).toBeNull();
  });
});
