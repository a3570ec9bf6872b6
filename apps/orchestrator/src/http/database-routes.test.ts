import { orchestratorApi as api } from "@director/contracts/orchestrator-api";
import { DirectorError } from "@director/domain/errors";
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

describe("the orchestrator's SQL console route", () => {
  const password = generateDatabasePassword();
  const query = (body: Record<string, unknown>) =>
    callRoute(current.app, api.runSiteStatement, { params: { id: 7 }, body: { host, password, ...body } });

  /** The app with site 7's database made, and its (one) in-memory engine. */
  async function withDatabase() {
    current = buildTestOrchestratorApp();
    const made = await callRoute(current.app, api.ensureSiteDatabase, { params: { id: 7 }, body: { host, password } });
    expect(made.statusCode, made.body).toBe(200);
    const engine = current.databaseEngines.made[0];
    if (engine === undefined) throw new Error("no engine was made");
    return engine;
  }

  it("runs the statement with the default limits and answers the engine's result", async () => {
    const engine = await withDatabase();
    const answer = await query({ statement: "select 1" });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({
      command: "SELECT",
      columns: [{ name: "statement", type: "text" }],
      rows: [["select 1"]],
      rowCount: 1,
      truncated: false,
      truncatedValues: [],
      durationMs: 1,
    });
    const limited = await query({ statement: "select 2", timeoutMs: 60_000, maxRows: 5_000 });
    expect(limited.statusCode, limited.body).toBe(200);
    expect(engine.statements.map(({ database, statement }) => ({ name: database.name, ...statement }))).toEqual([
      { name: "dir_test_s7", statement: "select 1", timeoutMs: 10_000, maxRows: 500 },
      { name: "dir_test_s7", statement: "select 2", timeoutMs: 60_000, maxRows: 5_000 },
    ]);
  });

  it.each([
    ["an empty statement", { statement: "" }],
    ["a statement over 100,000 characters", { statement: `select '${"x".repeat(100_000)}'` }],
    ["no statement", {}],
    ["a time limit of 0", { statement: "select 1", timeoutMs: 0 }],
    ["a time limit over a minute", { statement: "select 1", timeoutMs: 60_001 }],
    ["a time limit that is not whole", { statement: "select 1", timeoutMs: 1.5 }],
    ["a row limit of 0", { statement: "select 1", maxRows: 0 }],
    ["a row limit over 5,000", { statement: "select 1", maxRows: 5_001 }],
    ["a field more", { statement: "select 1", database: "postgres" }],
    ["a password that is not a generated one", { statement: "select 1", password: "hunter2" }],
  ])("refuses %s with 400 and runs nothing", async (_label, body) => {
    const engine = await withDatabase();
    const answer = await query(body);
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.code).toBe("VALIDATION_FAILED");
    expect(answer.body).not.toContain("secret");
    expect(engine.statements).toEqual([]);
  });

  it("takes a statement of exactly 100,000 characters", async () => {
    const engine = await withDatabase();
    const statement = `select '${"x".repeat(100_000 - 9)}'`;
    expect(statement).toHaveLength(100_000);
    expect((await query({ statement })).statusCode).toBe(200);
    expect(engine.statements).toHaveLength(1);
  });

  it.each([
    ["SQL_STATEMENT_FAILED", 422, { engine: "postgres", sqlState: "42601", position: 8 }],
    ["SQL_STATEMENT_TIMEOUT", 422, { engine: "postgres", timeoutMs: 1000 }],
    ["DATABASE_HOST_UNAVAILABLE", 503, { engine: "postgres", siteId: 7 }],
  ] as const)("answers the engine's %s with %i and its details", async (code, status, details) => {
    const engine = await withDatabase();
    engine.answerStatement = async () => {
      throw new DirectorError(code, "the engine's own words", { details });
    };
    const answer = await query({ statement: "select x from" });
    expect([answer.statusCode, answer.json()]).toEqual([
      status,
      { error: { code, message: "the engine's own words", details } },
    ]);
  });

  it("answers 404 for a site without a database and 409 for a password its user refuses", async () => {
    await withDatabase();
    const missing = await callRoute(current.app, api.runSiteStatement, {
      params: { id: 8 },
      body: { host, password, statement: "select 1" },
    });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, "SITE_DATABASE_NOT_FOUND"]);
    const refused = await query({ statement: "select 1", password: generateDatabasePassword() });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, "SITE_DATABASE_LOGIN_REFUSED"]);
  });
});
