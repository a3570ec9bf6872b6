/**
 * A site's environment variables and secrets through the HTTP edge, against a real PostgreSQL: members only, names
 * checked, a secret write-only and stored sealed, the audit log with names and never values, a dynamic site's
 * restart queued in the same transaction, and what the site's code gets.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp, testManagerConfig } from "../../testing/test-app.js";

const secretValue = "s3cr3t-value-that-must-never-show";

describe("site variables", () => {
  let t: ManagerTestApp;
  const put = (who: string, site: string, variables: unknown[]) =>
    t.call(who, "PUT", `/api/sites/${site}/variables`, { variables });
  const list = async (who: string, site: string) => (await t.call(who, "GET", `/api/sites/${site}/variables`)).json();
  const siteRow = (name: string) =>
    t.database.db.selectFrom("sites").select("id").where("name", "=", name).executeTakeFirstOrThrow();
  const environmentOf = async (name: string) => t.services.siteEnvironment({ ...(await siteRow(name)) } as never);

  beforeAll(async () => {
    t = await startManagerTestApp({
      config: testManagerConfig({ secrets: { key: randomBytes(32).toString("base64") } }),
    });
    const admin = await t.addUser("admin", { isSuperuser: true });
    await t.addUser("alice");
    await t.addUser("mallory");
    await t.services.sites.create(admin, { name: "notes", type: "static", purpose: "project", description: "" });
    await t.services.sites.create(admin, { name: "webapp", type: "dynamic", purpose: "project", description: "" });
    for (const site of ["notes", "webapp"])
      await t.call("admin", "POST", `/api/sites/${site}/members`, { username: "alice" });
    await t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("sets plain variables and a secret; the secret's value is never answered and is stored sealed", async () => {
    const set = await put("alice", "notes", [
      { name: "GREETING", value: "hello world" },
      { name: "API_KEY", value: secretValue, isSecret: true },
    ]);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().operation).toBeNull(); // a static site has no process to restart
    expect(set.body).not.toContain(secretValue);
    expect((await list("alice", "notes")).variables).toEqual([
      { name: "API_KEY", value: null, isSecret: true, updatedAt: expect.any(String) },
      { name: "GREETING", value: "hello world", isSecret: false, updatedAt: expect.any(String) },
    ]);
    const rows = await t.database.db.selectFrom("site_variables").select(["name", "value"]).execute();
    const secret = rows.find((row) => row.name === "API_KEY");
    expect(secret?.value).toMatch(/^v1:/);
    expect(JSON.stringify(rows)).not.toContain(secretValue);
    expect(await environmentOf("notes")).toEqual({ GREETING: "hello world", API_KEY: secretValue });
  });

  it("keeps a secret left without a value, and records names only in the audit log", async () => {
    const kept = await put("alice", "notes", [
      { name: "API_KEY", isSecret: true },
      { name: "GREETING", value: "hi" },
      { name: "MODE", value: "production" },
    ]);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(await environmentOf("notes")).toEqual({ GREETING: "hi", MODE: "production", API_KEY: secretValue });
    const audit = await t.database.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("action", "=", "site.update_variables")
      .orderBy("id")
      .execute();
    expect(audit.map((event) => event.details)).toEqual([
      { added: ["GREETING", "API_KEY"], changed: [], removed: [] },
      { added: ["MODE"], changed: ["GREETING"], removed: [] },
    ]);
    expect(JSON.stringify(audit)).not.toContain(secretValue);
    // the same set again changes nothing: no new audit event, the times stay
    const before = (await list("alice", "notes")).variables;
    await put("alice", "notes", [
      { name: "API_KEY", value: secretValue, isSecret: true },
      { name: "GREETING", value: "hi" },
      { name: "MODE", value: "production" },
    ]);
    expect((await list("alice", "notes")).variables).toEqual(before);
  });

  it.each<[string, unknown[], string, string]>([
    ["a name Director sets", [{ name: "PORT", value: "1" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    ["Director's prefix", [{ name: "DIRECTOR_TOKEN", value: "1" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    ["the database's URL", [{ name: "DATABASE_URL", value: "x" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    ["a name with a dash", [{ name: "MY-VAR", value: "1" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    ["a lowercase name", [{ name: "my_var", value: "1" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    ["a name that starts with a digit", [{ name: "1X", value: "1" }], "SITE_VARIABLE_INVALID", "variables.0.name"],
    [
      "a name twice",
      [
        { name: "A", value: "1" },
        { name: "A", value: "2" },
      ],
      "SITE_VARIABLE_INVALID",
      "variables.1.name",
    ],
    ["a new secret without a value", [{ name: "TOKEN", isSecret: true }], "SITE_VARIABLE_INVALID", "variables.0.value"],
    ["a plain variable without a value", [{ name: "A" }], "SITE_VARIABLE_INVALID", "variables.0.value"],
    ["a NUL in a value", [{ name: "A", value: "a\u0000b" }], "VALIDATION_FAILED", "variables.0.value"],
    ["a value too large", [{ name: "A", value: "x".repeat(8193) }], "VALIDATION_FAILED", "variables.0.value"],
    [
      "too much in all",
      Array.from({ length: 9 }, (_, index) => ({ name: `V${index}`, value: "x".repeat(8000) })),
      "SITE_VARIABLE_INVALID",
      "variables",
    ],
  ])("refuses %s with 400 %s and changes nothing", async (_what, variables, code, field) => {
    const before = await t.database.db.selectFrom("site_variables").selectAll().execute();
    const refused = await put("alice", "notes", variables);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.code).toBe(code);
    expect(Object.keys(refused.json().error.details.fields)).toContain(field);
    expect(await t.database.db.selectFrom("site_variables").selectAll().execute()).toEqual(before);
  });

  it("lets only members see or change them", async () => {
    expect((await t.call("mallory", "GET", "/api/sites/notes/variables")).statusCode).toBe(404);
    expect((await put("mallory", "notes", [])).statusCode).toBe(404);
    expect((await t.call(null, "GET", "/api/sites/notes/variables")).statusCode).toBe(401);
    expect(Object.keys(await environmentOf("notes"))).toHaveLength(3);
  });

  it("queues the restart of a dynamic site's process with the change, and none when nothing changed", async () => {
    const set = await put("alice", "webapp", [{ name: "SECRET_TOKEN", value: secretValue, isSecret: true }]);
    expect(set.statusCode, set.body).toBe(202);
    const operation = set.json().operation;
    expect(operation).toMatchObject({ kind: "update_environment", status: "pending" });
    expect(operation.steps.map((step: { slug: string }) => step.slug)).toEqual(["apply_environment"]);
    expect(JSON.stringify(operation)).not.toContain(secretValue);
    const again = await put("alice", "webapp", [{ name: "SECRET_TOKEN", isSecret: true }]);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().operation).toBeNull();
    // while the restart is queued, the site is busy: another change is refused and changes nothing
    const busy = await put("alice", "webapp", [{ name: "OTHER", value: "1" }]);
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().error.code).toBe("SITE_BUSY");
    expect((await list("alice", "webapp")).variables.map((v: { name: string }) => v.name)).toEqual(["SECRET_TOKEN"]);
  });

  it("refuses secrets without DIRECTOR_SECRETS_KEY (SECRETS_KEY_MISSING), and takes plain variables", async () => {
    const plain = await startManagerTestApp();
    try {
      const bob = await plain.addUser("bob");
      await plain.services.sites.create(bob, { type: "static", purpose: "personal", description: "" });
      const secret = await plain.call("bob", "PUT", "/api/sites/bob/variables", {
        variables: [{ name: "TOKEN", value: "x", isSecret: true }],
      });
      expect(secret.statusCode, secret.body).toBe(503);
      expect(secret.json().error.code).toBe("SECRETS_KEY_MISSING");
      const ok = await plain.call("bob", "PUT", "/api/sites/bob/variables", {
        variables: [{ name: "PLAIN", value: "x" }],
      });
      expect(ok.statusCode, ok.body).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
