import { describe, expect, it } from "vitest";
import { generateInstallationId, parseInstallationId } from "./installation-id.js";

describe("parseInstallationId", () => {
  it.each(["default", "a", "k3x9p2aq", "0123456789abcdef"])("accepts %s", (value) => {
    expect(parseInstallationId(value)).toBe(value);
  });

  it.each(["", "Default", "a-b", "a_b", "a b", "0123456789abcdefg", "ü", 42, null])("refuses %j", (value) => {
    expect(() => parseInstallationId(value)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});

describe("generateInstallationId", () => {
  it("makes valid ids that differ", () => {
    const ids = new Set(Array.from({ length: 50 }, () => parseInstallationId(generateInstallationId())));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toHaveLength(10);
  });
});
