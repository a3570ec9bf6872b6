import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configSchema, sectionWhenSet, variable, variableAt, variablesOf, withoutVariables } from "./config-table.js";

const port = variable({ env: "T_PORT", schema: z.coerce.number().default(80), doc: "port" });
const issuer = variable({ env: "T_ISSUER", schema: z.string(), doc: "issuer" });
const table = { http: { port }, login: sectionWhenSet("issuer", { issuer, claims: { name: port } }) };

describe("a configuration table", () => {
  it("is a zod schema of nested objects: a section may be left out, an optional section is optional", () => {
    const schema = configSchema(table);
    expect(schema.parse({})).toEqual({ http: { port: 80 } });
    expect(schema.parse({ http: { port: "81" }, login: { issuer: "i" } })).toEqual({
      http: { port: 81 },
      login: { issuer: "i", claims: { name: 80 } },
    });
    expect(schema.safeParse({ login: {} }).success).toBe(false);
  });

  it("finds the variable at a path of the parsed object, ignoring what is below a variable", () => {
    expect(variableAt(table, ["http", "port"])).toBe(port);
    expect(variableAt(table, ["login", "issuer", 0])).toBe(issuer);
    expect(variableAt(table, ["login", "claims", "name"])).toBe(port);
    expect(variableAt(table, ["http"])).toBeUndefined();
    expect(variableAt(table, ["http", "nope"])).toBeUndefined();
    expect(variableAt(table, ["toString"])).toBeUndefined();
  });

  it("lists its variables in order, with their paths and the section variable that makes them present", () => {
    expect(
      variablesOf(table).map(({ path, variable, section }) => [path.join("."), variable.env, section?.trigger.env]),
    ).toEqual([
      ["http.port", "T_PORT", undefined],
      ["login.issuer", "T_ISSUER", "T_ISSUER"],
      ["login.claims.name", "T_PORT", "T_ISSUER"],
    ]);
  });

  it("leaves variables out, and an optional section whole when its own variable is left out", () => {
    expect(variablesOf(withoutVariables(table, new Set(["T_PORT"]))).map(({ path }) => path.join("."))).toEqual([
      "login.issuer",
    ]);
    expect(variablesOf(withoutVariables(table, new Set(["T_ISSUER"]))).map(({ path }) => path.join("."))).toEqual([
      "http.port",
    ]);
  });

  it("refuses an optional section whose trigger is not one of its variables", () => {
    expect(() => sectionWhenSet("claims", { claims: { name: port } })).toThrow(/not a variable/);
  });
});
