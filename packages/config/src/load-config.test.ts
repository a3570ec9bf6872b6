import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sectionWhenSet, variable } from "./config-table.js";
import { configInvalidError, configProblems, defineConfig, pickVariables, readEnvironment } from "./load-config.js";

const table = {
  http: {
    port: variable({ env: "T_PORT", schema: z.coerce.number().int().min(1).max(65535).default(80), doc: "port" }),
    hosts: variable({ env: "T_HOSTS", schema: z.array(z.string().min(2)).default(["a1"]), doc: "hosts", isList: true }),
  },
  mode: variable({ env: "T_MODE", schema: z.enum(["fast", "safe"]).default("safe"), doc: "mode" }),
  token: variable({ env: "T_TOKEN", schema: z.string().min(32), doc: "token", isSecret: true }),
  login: sectionWhenSet("issuer", {
    issuer: variable({ env: "T_ISSUER", schema: z.string().url(), doc: "issuer" }),
    clientId: variable({ env: "T_CLIENT_ID", schema: z.string().min(1), doc: "client" }),
  }),
};
const config = defineConfig("test", table);
const token = "t".repeat(32);

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    return (error as { details: { problems: string[] } }).details.problems;
  }
  throw new Error("the configuration was accepted");
}

describe("a configuration table's loader", () => {
  it("fills defaults, coerces and nests; an optional section is absent until its variable is set", () => {
    expect(config.load({ T_TOKEN: token })).toEqual({
      http: { port: 80, hosts: ["a1"] },
      mode: "safe",
      token,
      login: undefined,
    });
    const loaded = config.load({
      T_TOKEN: token,
      T_PORT: "8080",
      T_HOSTS: " b1, ,c2 ",
      T_MODE: "fast",
      T_ISSUER: "https://idp.example",
      T_CLIENT_ID: "director",
    });
    expect(loaded).toEqual({
      http: { port: 8080, hosts: ["b1", "c2"] },
      mode: "fast",
      token,
      login: { issuer: "https://idp.example", clientId: "director" },
    });
  });

  it("reads a section's other variables only when the section is present", () => {
    expect(config.load({ T_TOKEN: token, T_CLIENT_ID: "" }).login).toBeUndefined();
    expect(config.load({ T_TOKEN: token, T_CLIENT_ID: "orphan" }).login).toBeUndefined();
  });

  it("lists every problem at once, each under its variable's name", () => {
    const problems = problemsOf(() =>
      config.load({ T_PORT: "70000", T_HOSTS: "ok,x", T_MODE: "turbo", T_ISSUER: "not a url" }),
    );
    expect(problems).toEqual([
      "T_PORT: Too big: expected number to be <=65535",
      "T_HOSTS: Too small: expected string to have >=2 characters",
      'T_MODE: Invalid option: expected one of "fast"|"safe"',
      "T_TOKEN: is required",
      "T_ISSUER: Invalid URL",
      "T_CLIENT_ID: is required",
    ]);
  });

  it("says the error in one message, one line per problem", () => {
    let message = "";
    try {
      config.load({ T_PORT: "port" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "The test's configuration is invalid:\n- T_PORT: Invalid input: expected number, received NaN\n- T_TOKEN: is required",
    );
  });

  it("takes an empty value as unset: the default, or 'is required' when there is none", () => {
    expect(config.load({ T_TOKEN: token, T_PORT: "", T_MODE: "", T_HOSTS: "" })).toMatchObject({
      http: { port: 80, hosts: ["a1"] },
      mode: "safe",
    });
    expect(problemsOf(() => config.load({ T_TOKEN: "" }))).toEqual(["T_TOKEN: is required"]);
  });

  it("refuses a value outside a list of known ones and a list of nothing but commas", () => {
    expect(problemsOf(() => config.load({ T_TOKEN: token, T_MODE: "Fast" }))).toEqual([
      'T_MODE: Invalid option: expected one of "fast"|"safe"',
    ]);
    const strict = defineConfig("strict", {
      items: variable({ env: "T_ITEMS", schema: z.array(z.string()).min(1).default(["x"]), doc: "", isList: true }),
    });
    expect(problemsOf(() => strict.load({ T_ITEMS: " , ," }))).toEqual([
      "T_ITEMS: Too small: expected array to have >=1 items",
    ]);
  });

  it("never shows a secret's value, even when a schema's message quotes it", () => {
    const secret = "hunter2-correct-horse";
    const quoting = defineConfig("quoting", {
      password: variable({
        env: "T_PASSWORD",
        schema: z
          .string()
          .refine((value) => value.length > 100, { error: (issue) => `${String(issue.input)} is short` }),
        doc: "",
        isSecret: true,
      }),
      keys: variable({
        env: "T_KEYS",
        schema: z.array(z.string().refine(() => false, { error: (issue) => `bad key ${String(issue.input)}` })),
        doc: "",
        isSecret: true,
        isList: true,
      }),
    });
    let thrown: unknown;
    try {
      quoting.load({ T_PASSWORD: secret, T_KEYS: "key-one-secret,key-two-secret" });
    } catch (error) {
      thrown = error;
    }
    const text = JSON.stringify({
      message: (thrown as Error).message,
      details: (thrown as { details: unknown }).details,
    });
    expect(text).toContain("T_PASSWORD: [hidden] is short");
    expect(text).toContain("T_KEYS: bad key [hidden]");
    for (const value of [secret, "key-one-secret", "key-two-secret"]) expect(text).not.toContain(value);
  });

  it("checks a table leaving out the variables set elsewhere, and picks the set ones", () => {
    expect(configProblems(table, { T_PORT: "x" }, ["T_TOKEN"])).toEqual([
      "T_PORT: Invalid input: expected number, received NaN",
    ]);
    expect(configProblems(table, { T_ISSUER: "https://idp" }, ["T_TOKEN", "T_CLIENT_ID"])).toEqual([]);
    expect(configProblems(table, { T_ISSUER: "https://idp" }, ["T_ISSUER"])).toEqual(["T_TOKEN: is required"]);
    expect(pickVariables(table, { T_PORT: "1", T_MODE: "", T_TOKEN: token, OTHER: "x" }, ["T_TOKEN"])).toEqual({
      T_PORT: "1",
    });
  });

  it("reads the environment into the table's shape before parsing", () => {
    expect(readEnvironment(table, { T_HOSTS: "a,b", T_ISSUER: "i" })).toEqual({
      http: { port: undefined, hosts: ["a", "b"] },
      mode: undefined,
      token: undefined,
      login: { issuer: "i", clientId: undefined },
    });
  });

  it("lists a problem repeated by two tables once", () => {
    expect(configInvalidError("up", ["A: bad", "B: bad", "A: bad"]).details).toEqual({
      problems: ["A: bad", "B: bad"],
    });
  });
});
