import { describe, expect, it } from "vitest";
import { isParsable } from "./config-validation.js";

describe("isParsable", () => {
  it("is true when the parser returns and false when it throws", () => {
    expect(isParsable(() => 1)).toBe(true);
    expect(
      isParsable(() => {
        throw new Error("no");
      }),
    ).toBe(false);
  });
});
