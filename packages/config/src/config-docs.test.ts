import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defaultText, renderConfigTable, replaceGeneratedBlock, uniqueVariables } from "./config-docs.js";
import { sectionWhenSet, variable, variablesOf } from "./config-table.js";

const table = {
  ttlMs: variable({
    env: "T_TTL_MS",
    schema: z.coerce.number().default(14 * 24 * 3600_000),
    doc: "how long a login lasts",
  }),
  windowMs: variable({ env: "T_WINDOW_MS", schema: z.coerce.number().default(3600_000), doc: "window" }),
  retryMs: variable({ env: "T_RETRY_MS", schema: z.coerce.number().default(500), doc: "first retry" }),
  memoryBytes: variable({ env: "T_MEMORY_BYTES", schema: z.coerce.number().default(100 * 1024 * 1024), doc: "memory" }),
  egress: variable({
    env: "T_EGRESS",
    schema: z
      .string()
      .default("all")
      .transform((value) => ({ kind: value })),
    doc: "egress | where",
  }),
  proxies: variable({ env: "T_PROXIES", schema: z.array(z.string()).default([]), doc: "proxies", isList: true }),
  values: variable({
    env: "T_VALUES",
    schema: z.array(z.string()).default(["teacher", "staff"]),
    doc: "v",
    isList: true,
  }),
  isSecure: variable({ env: "T_SECURE", schema: z.stringbool().default(false), doc: "secure" }),
  file: variable({ env: "T_FILE", schema: z.string().optional(), doc: "file" }),
  dir: variable({
    env: "T_DIR",
    schema: z.string().default("/home/me/x"),
    doc: "dir",
    defaultDoc: "`x` in the checkout",
  }),
  token: variable({ env: "T_TOKEN", schema: z.string().min(32), doc: "token", isSecret: true }),
  password: variable({ env: "T_PASSWORD", schema: z.string().default("swordfish-default"), doc: "pw", isSecret: true }),
  login: sectionWhenSet("issuer", {
    issuer: variable({ env: "T_ISSUER", schema: z.string().url(), doc: "issuer", defaultDoc: "unset: passwords only" }),
    clientId: variable({ env: "T_CLIENT_ID", schema: z.string(), doc: "client" }),
    scopes: variable({ env: "T_SCOPES", schema: z.string().default("openid"), doc: "scopes" }),
  }),
};

describe("the README rows of a configuration table", () => {
  it("states each default as a person reads it, a secret's never", () => {
    const defaults = Object.fromEntries(variablesOf(table).map((placed) => [placed.variable.env, defaultText(placed)]));
    expect(defaults).toEqual({
      T_TTL_MS: "`1209600000` (14 days)",
      T_WINDOW_MS: "`3600000` (1 h)",
      T_RETRY_MS: "`500`",
      T_MEMORY_BYTES: "`104857600` (100 MiB)",
      T_EGRESS: "`all`",
      T_PROXIES: "none",
      T_VALUES: "`teacher,staff`",
      T_SECURE: "`false`",
      T_FILE: "unset",
      T_DIR: "`x` in the checkout",
      T_TOKEN: "required",
      T_PASSWORD: "(hidden)",
      T_ISSUER: "unset: passwords only",
      T_CLIENT_ID: "required with `T_ISSUER`",
      T_SCOPES: "`openid`",
    });
  });

  it("renders a padded Markdown table, escaping pipes", () => {
    const rendered = renderConfigTable(variablesOf({ ttlMs: table.ttlMs, egress: table.egress }));
    expect(rendered).toBe(
      [
        "| variable   | default                | meaning                |",
        "| ---------- | ---------------------- | ---------------------- |",
        "| `T_TTL_MS` | `1209600000` (14 days) | how long a login lasts |",
        "| `T_EGRESS` | `all`                  | egress \\| where        |",
      ].join("\n"),
    );
    expect(renderConfigTable(variablesOf(table))).not.toContain("swordfish");
  });

  it("keeps the first of two variables of one name", () => {
    const again = variable({ env: "T_TTL_MS", schema: z.string(), doc: "again" });
    const unique = uniqueVariables([...variablesOf(table), ...variablesOf({ again })]);
    expect(unique.map(({ variable }) => variable.doc)).not.toContain("again");
    expect(unique).toHaveLength(variablesOf(table).length);
  });
});

describe("replaceGeneratedBlock", () => {
  const begin = "<!-- BEGIN config up (written by npm run docs:config from the code) -->";
  const end = "<!-- END config up -->";

  it("replaces what is between the markers, and only that", () => {
    const document = `intro\n${begin}\nold table\n${end}\nafter`;
    expect(replaceGeneratedBlock(document, "up", "new table")).toBe(`intro\n${begin}\nnew table\n${end}\nafter`);
  });

  it("throws, saying which markers to add, when they are missing", () => {
    expect(() => replaceGeneratedBlock("no markers", "up", "table")).toThrow(begin);
  });
});
