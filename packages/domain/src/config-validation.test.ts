import { describe, expect, it } from "vitest";
import { invalidConfigError, isParsable } from "./config-validation.js";

describe("invalidConfigError", () => {
  it("lists every problem under its variable, dropping array indices from the path", () => {
    const error = invalidConfigError(
      "router",
      [
        { path: ["http", "port"], message: "too big" },
        { path: ["balancers", 1], message: "must be HOST:PORT" },
        { path: ["unmapped"], message: "odd" },
      ],
      { "http.port": "DIRECTOR_ROUTER_PORT", balancers: "DIRECTOR_BALANCERS" },
    );
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toBe(
      "The router's configuration is invalid:\n- DIRECTOR_ROUTER_PORT: too big\n- DIRECTOR_BALANCERS: must be HOST:PORT\n- unmapped: odd",
    );
    expect(error.details).toEqual({
      problems: ["DIRECTOR_ROUTER_PORT: too big", "DIRECTOR_BALANCERS: must be HOST:PORT", "unmapped: odd"],
    });
  });
});

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
