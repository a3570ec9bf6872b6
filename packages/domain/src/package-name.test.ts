import { describe, expect, it } from "vitest";
import { maxSitePackages, parsePackageList, parsePackageName } from "./package-name.js";

describe("parsePackageName", () => {
  it.each(["jq", "curl", "libc6", "g++", "python3.11", "libstdc++6", "0ad"])("accepts %s", (value) => {
    expect(parsePackageName(value)).toBe(value);
  });

  it.each([
    "",
    "a",
    "Curl",
    "-jq",
    ".jq",
    "+jq",
    "jq curl",
    "jq'",
    "jq;rm -rf /",
    "$(id)",
    "`id`",
    "jq\n",
    "jq/bookworm",
    "jq=1.6",
    "x".repeat(64),
    42,
    null,
  ])("refuses %j with PACKAGE_NAME_INVALID", (value) => {
    expect(() => parsePackageName(value)).toThrow(expect.objectContaining({ code: "PACKAGE_NAME_INVALID" }));
  });
});

describe("parsePackageList", () => {
  it("drops duplicates and sorts", () => {
    expect(parsePackageList(["jq", "curl", "jq"])).toEqual(["curl", "jq"]);
    expect(parsePackageList([])).toEqual([]);
  });

  it(`refuses more than ${maxSitePackages} packages, a non-list, and a list with one bad name`, () => {
    const many = Array.from({ length: maxSitePackages + 1 }, (_, index) => `pkg${index}`);
    for (const value of [many, "jq", { jq: true }, ["jq", "bad name"]]) {
      expect(() => parsePackageList(value)).toThrow(expect.objectContaining({ code: "PACKAGE_NAME_INVALID" }));
    }
  });
});
