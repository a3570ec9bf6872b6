import { describe, expect, it } from "vitest";
import { encodePath, queryString } from "./http";

describe("queryString", () => {
  it("keeps defined values in order and leaves out empty ones", () => {
    expect(queryString({ q: "name:club", limit: 50, offset: 0, empty: "", none: undefined, nil: null })).toBe(
      "?q=name%3Aclub&limit=50&offset=0",
    );
  });
  it("is empty without values", () => {
    expect(queryString(undefined)).toBe("");
    expect(queryString({ q: "" })).toBe("");
  });
  it("encodes spaces, quotes and ampersands", () => {
    expect(queryString({ q: 'desc:"a b" & c' })).toBe("?q=desc%3A%22a+b%22+%26+c");
  });
});

describe("encodePath", () => {
  it("encodes each segment and keeps the slashes", () => {
    expect(encodePath("public/my page/a#b?.html")).toBe("public/my%20page/a%23b%3F.html");
  });
  it("drops empty segments (leading, trailing, doubled slashes)", () => {
    expect(encodePath("/public//css/")).toBe("public/css");
    expect(encodePath("")).toBe("");
  });
});
