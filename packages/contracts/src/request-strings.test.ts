/**
 * Every string a request may carry refuses NUL (text.ts says why): each string field of every request, query,
 * path-parameter and live-channel schema, found by walking the schemas, so that a new field written with a bare
 * `z.string()` fails here.
 */
import { leavesOf } from "@director/testing/schema-corpus";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as managerApi from "./manager-api.js";
import * as managerLive from "./manager-live.js";
import * as managerParams from "./manager-params.js";
import * as managerSiteSettings from "./manager-site-settings.js";
import { nulRefusedMessage, text } from "./text.js";

/** What the manager parses from a request (the rest of manager-api.ts describes answers). */
const requestSchemas: Array<[string, z.ZodType]> = [
  ...Object.entries(managerApi).filter(([name]) => /(Request|Query)Schema$/.test(name)),
  ...Object.entries(managerParams),
  ...Object.entries(managerSiteSettings),
  ["liveClientMessageSchema", managerLive.liveClientMessageSchema],
] as Array<[string, z.ZodType]>;

describe("strings of requests", () => {
  it("finds the request schemas and their string fields", () => {
    expect(requestSchemas.length).toBeGreaterThanOrEqual(25);
    const strings = requestSchemas.flatMap(([, schema]) => leavesOf(schema).filter((leaf) => leaf.isString));
    expect(strings.length).toBeGreaterThanOrEqual(50);
  });

  it.each(requestSchemas)("%s refuses NUL in every string field", (_name, schema) => {
    for (const leaf of leavesOf(schema).filter((field) => field.isString)) {
      const refused = leaf.schema.safeParse("a\u0000b");
      const messages = refused.error?.issues.map((issue) => issue.message) ?? [];
      expect(messages, `field ${leaf.path.join(".") || "(value)"}`).toContain(nulRefusedMessage);
    }
  });

  it("text() keeps zod's string checks and accepts everything but NUL", () => {
    const schema = text().trim().min(1).max(5);
    expect(schema.parse(" tab\there ".slice(0, 6))).toBe("tab\th");
    expect(schema.safeParse("toolong").success).toBe(false);
    expect(schema.safeParse("\u0000").error?.issues.map((issue) => issue.message)).toContain(nulRefusedMessage);
  });
});
