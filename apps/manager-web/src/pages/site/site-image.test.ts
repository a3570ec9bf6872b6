import { describe, expect, it } from "vitest";
import { parsePackageText } from "./site-image";

describe("parsePackageText", () => {
  it("splits on spaces, commas and new lines, and keeps names as typed (the API checks them)", () => {
    expect(parsePackageText(" jq, curl\n  python3-flask ")).toEqual(["jq", "curl", "python3-flask"]);
    expect(parsePackageText("")).toEqual([]);
    expect(parsePackageText("jq; rm")).toEqual(["jq;", "rm"]);
  });
});
