import { describe, expect, it } from "vitest";
import { checkSiteVariables, siteVariableLimits, siteVariableNameProblem } from "./site-variable.js";

describe("site variable names", () => {
  it.each(["API_KEY", "_PRIVATE", "V2", "A".repeat(128)])("takes %s", (name) => {
    expect(siteVariableNameProblem(name)).toBeNull();
  });

  it.each([
    ["", /1 to 128/],
    ["A".repeat(129), /1 to 128/],
    ["api_key", /capital letters/],
    ["2FAST", /capital letters/],
    ["MY-VAR", /capital letters/],
    ["PORT", /set by Director/],
    ["PATH", /set by Director/],
    ["DATABASE_URL", /set by Director/],
    ["DIRECTOR_ANYTHING", /set by Director/],
  ])("refuses %j", (name, problem) => {
    expect(siteVariableNameProblem(name)).toMatch(problem);
  });
});

describe("checkSiteVariables", () => {
  const refusal = (variables: Parameters<typeof checkSiteVariables>[0]) => {
    try {
      checkSiteVariables(variables);
      return null;
    } catch (error) {
      return error as { code: string; details: { fields: Record<string, string> } };
    }
  };

  it("takes a set within every limit", () => {
    const most = Array.from({ length: siteVariableLimits.maxCount }, (_, index) => ({
      name: `V${index}`,
      value: "x".repeat(600),
      isSecret: index % 2 === 0,
    }));
    expect(refusal(most)).toBeNull();
  });

  it.each<[string, Parameters<typeof checkSiteVariables>[0], string]>([
    [
      "too many",
      Array.from({ length: 91 }, (_, index) => ({ name: `V${index}`, value: "", isSecret: false })),
      "variables",
    ],
    [
      "a name twice",
      [
        { name: "A", value: "1", isSecret: false },
        { name: "A", value: "2", isSecret: true },
      ],
      "variables.1.name",
    ],
    ["a NUL", [{ name: "A", value: "a\0b", isSecret: false }], "variables.0.value"],
    ["a long value", [{ name: "A", value: "é".repeat(8193), isSecret: false }], "variables.0.value"],
    [
      "too much in all (UTF-8 bytes)",
      Array.from({ length: 5 }, (_, index) => ({ name: `V${index}`, value: "é".repeat(8000), isSecret: false })),
      "variables",
    ],
  ])("refuses %s with SITE_VARIABLE_INVALID naming the field", (_what, variables, field) => {
    const error = refusal(variables);
    expect(error?.code).toBe("SITE_VARIABLE_INVALID");
    expect(Object.keys(error?.details.fields ?? {})).toEqual([field]);
  });
});
