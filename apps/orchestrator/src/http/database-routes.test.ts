import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { generateDatabasePassword } from "@director/domain/site-database";
import { afterEach, describe, expect, it } from "vitest";
import { buildTestOrchestratorApp, callRoute } from "../testing/test-app.js";

let current: ReturnType<typeof buildTestOrchestratorApp>;

afterEach(async () => {
  await current.app.close();
});

const host = { kind: "postgres", adminUrl: "postgres://admin:secret@db.example:5432/postgres", connectionLimit: 20 };

describe("the orchestrator's site database routes", () => {
  it("make, rotate, measure, list and remove a site's database on the host named in the body", async () => {
    current = buildTestOrchestratorApp();
    const password = generateDatabasePassword();
    const site = { params: { id: 7 } };
    const ensured = await callRoute(current.app, api.ensureSiteDatabase, { ...site, body: { host, password } });
    expect(ensured.statusCode, ensured.body).toBe(200);
    expect(ensured.json()).toEqual({ name: "dir_test_s7", username: "dir_test_s7" });
    const rotated = await callRoute(current.app, api.rotateSiteDatabasePassword, {
      ...site,
      body: { host, password: generateDatabasePassword() },
    });
    expect(rotated.statusCode, rotated.body).toBe(204);
    const size = await callRoute(current.app, api.siteDatabaseSize, { ...site, body: { host } });
    expect(size.json()).toEqual({ bytes: 8192 });
    const listed = await callRoute(current.app, api.databaseHostInventory, { body: { host } });
    expect(listed.json()).toEqual({ siteIds: [7] });
    const checked = await callRoute(current.app, api.checkDatabaseHost, { body: { host } });
    expect(checked.json()).toEqual({ kind: "postgres", serverVersion: "0.0-in-memory" });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const removed = await callRoute(current.app, api.removeSiteDatabase, { ...site, body: { host } });
      expect(removed.statusCode, removed.body).toBe(204);
    }
    const gone = await callRoute(current.app, api.siteDatabaseSize, { ...site, body: { host } });
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
    expect(current.databaseEngines.made.map((engine) => engine.options.adminUrl)).toEqual([host.adminUrl]);
  });

  it.each([
    ["an unknown kind", { host: { ...host, kind: "oracle" } }],
    ["an admin URL of another scheme", { host: { ...host, adminUrl: "http://admin:secret@db.example/" } }],
    ["a mysql URL for a postgres host", { host: { ...host, adminUrl: "mysql://root:secret@db.example:3306" } }],
    ["a postgres URL for a mysql host", { host: { ...host, kind: "mysql" } }],
    ["an admin URL that is not one", { host: { ...host, adminUrl: "postgres is over there" } }],
    ["a too long admin URL", { host: { ...host, adminUrl: `postgres://a:b@db/${"x".repeat(2048)}` } }],
    ["a connection limit of 0", { host: { ...host, connectionLimit: 0 } }],
    ["no host", {}],
    ["a field more", { host: { ...host, ssl: true } }],
    ["a password that is not a generated one", { host, password: "hunter2" }],
    ["a password with a quote", { host, password: `${"a".repeat(40)}'` }],
    ["no password", { host }],
  ])("refuse %s with 400 and do nothing", async (_label, body) => {
    current = buildTestOrchestratorApp();
    const response = await callRoute(current.app, api.ensureSiteDatabase, { params: { id: 7 }, body });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_FAILED");
    expect(response.body).not.toContain("secret");
    expect(current.databaseEngines.made).toEqual([]);
  });

  it("refuses a bad host on the host-wide routes too, and a site id that is not one", async () => {
    current = buildTestOrchestratorApp();
    for (const target of [api.databaseHostInventory, api.checkDatabaseHost]) {
      const response = await callRoute(current.app, target, { body: { host: { ...host, kind: "sqlite" } } });
      expect(response.statusCode, response.body).toBe(400);
    }
    const badId = await callRoute(current.app, api.removeSiteDatabase, { params: { id: "x" }, body: { host } });
    expect(badId.statusCode, badId.body).toBe(400);
    expect(current.databaseEngines.made).toEqual([]);
  });
});
