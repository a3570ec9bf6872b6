import { describe, expect, it } from "vitest";
import { hasNoNewPrivileges, isAtLeast } from "./no-new-privileges-check.js";

describe("the no-new-privileges check", () => {
  it("reads the kernel's answer from /proc/self/status", () => {
    expect(hasNoNewPrivileges("Name:\tcat\nNoNewPrivs:\t1\nSeccomp:\t2\n")).toBe(true);
    expect(hasNoNewPrivileges("Name:\tcat\nNoNewPrivs:\t0\nSeccomp:\t2\n")).toBe(false);
    expect(hasNoNewPrivileges("")).toBe(false);
  });

  it("trusts the service spec only from Engine API 1.46", () => {
    expect(isAtLeast("1.41", [1, 46])).toBe(false);
    expect(isAtLeast("1.46", [1, 46])).toBe(true);
    expect(isAtLeast("1.47", [1, 46])).toBe(true);
    expect(isAtLeast("2.0", [1, 46])).toBe(true);
  });
});
