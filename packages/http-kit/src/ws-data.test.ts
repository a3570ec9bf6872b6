import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseJsonFrame, rawDataToBuffer } from "./ws-data.js";

describe("parseJsonFrame", () => {
  const schema = z
    .object({ type: z.literal("open"), program: z.object({ kind: z.string() }) })
    .refine((value) => value.program.kind !== "x", "no x");

  it("answers the checked value, or null for what is not JSON or not the schema's", () => {
    expect(parseJsonFrame(schema, '{"type":"open","program":{"kind":"shell"}}')).toEqual({
      type: "open",
      program: { kind: "shell" },
    });
    expect(parseJsonFrame(schema, "not json")).toBeNull();
    expect(parseJsonFrame(schema, '{"type":"open","program":{"kind":"x"}}')).toBeNull();
    // The object check fails and the refinement meets a value without `program`: null, not a throw.
    expect(parseJsonFrame(schema, '{"type":"open"}')).toBeNull();
  });

  it("joins a fragmented message's buffers", () => {
    expect(rawDataToBuffer([Buffer.from("a"), Buffer.from("b")]).toString()).toBe("ab");
  });
});
