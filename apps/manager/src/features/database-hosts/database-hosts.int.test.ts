/**
 * Database hosts through the manager's HTTP edge, against a real PostgreSQL: only administrators manage them, the
 * orchestrator's check comes first (a refusal stores nothing), and the admin URL's password never leaves the manager
 * (not in an answer, not in the audit log) and is kept only encrypted.
 */
import type { DatabaseHost } from "@director/contracts/orchestrator-databases";
import { DirectorError } from "@director/domain/errors";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateSecretsKey } from "../../adapters/secret-box.js";
import { type ManagerTestApp, startManagerTestApp, testManagerConfig } from "../../testing/test-app.js";
import type { DatabaseHostChecker } from "./database-host-checker.js";

const password = "Adm1n-pa55word-xyz";
const adminUrl = `postgres://director_admin:${password}@db.school.test:5433/postgres`;
const otherPassword = "An0ther-pa55word-abc";
const main = {
  name: "main-pg",
  kind: "postgres",
  siteHost: "172.18.0.1",
  sitePort: 5432,
  adminUrl,
  maxDatabases: 200,
};

/** The orchestrator's check as a test sets it: the hosts it was asked about, and a refusal when one is set. */
class FakeChecker implements DatabaseHostChecker {
  checked: DatabaseHost[] = [];
  refusal: DirectorError | null = null;

  async check(host: DatabaseHost) {
    this.checked.push(host);
    if (this.refusal) throw this.refusal;
    return { kind: host.kind, serverVersion: "16.4" };
  }
}

describe("database hosts API", () => {
  const checker = new FakeChecker();
  let api: ManagerTestApp;

  beforeAll(async () => {
    api = await startManagerTestApp({
      config: testManagerConfig({ secrets: { key: generateSecretsKey() } }),
      databaseHostChecker: checker,
    });
    await api.addUser("admin", { isSuperuser: true });
    await api.addUser("alice", { role: "student" });
    for (const who of ["admin", "alice"]) await api.call(who, "POST", "/api/guidelines/accept", {});
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => {
    checker.checked = [];
    checker.refusal = null;
  });

  const rows = () => api.database.db.selectFrom("database_hosts").selectAll().execute();

  it("refuses every route to a student (403) and to nobody (401), storing nothing", async () => {
    for (const [method, url, body] of [
      ["GET", "/api/admin/database-hosts", undefined],
      ["POST", "/api/admin/database-hosts", main],
      ["PATCH", "/api/admin/database-hosts/main-pg", { isAccepting: false }],
      ["DELETE", "/api/admin/database-hosts/main-pg", undefined],
    ] as const) {
      const asStudent = await api.call("alice", method, url, body);
      expect([asStudent.statusCode, asStudent.json().error.code], `${method} ${url}`).toEqual([403, "FORBIDDEN"]);
      expect((await api.call(null, method, url, body)).statusCode).toBe(401);
    }
    expect(checker.checked).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it("stores nothing when the orchestrator refuses the host, and answers with its refusal", async () => {
    checker.refusal = new DirectorError("DATABASE_HOST_REJECTED", "The admin role cannot create roles (CREATEROLE).");
    const refused = await api.call("admin", "POST", "/api/admin/database-hosts", main);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe("DATABASE_HOST_REJECTED");
    expect(checker.checked).toEqual([{ kind: "postgres", adminUrl, connectionLimit: expect.any(Number) }]);
    expect(await rows()).toEqual([]);
  });

  it("refuses an admin URL of another kind's scheme, and a bad name, before asking the orchestrator (400)", async () => {
    for (const body of [
      { ...main, adminUrl: adminUrl.replace("postgres:", "mysql:") },
      { ...main, kind: "mysql" },
      { ...main, adminUrl: "not a url" },
      { ...main, name: "Main_PG" },
      { ...main, siteHost: "db;rm -rf" },
      { ...main, maxDatabases: 0 },
      { ...main, adminUrl: `postgres://a:${"x".repeat(3000)}@db/postgres` },
    ]) {
      const answer = await api.call("admin", "POST", "/api/admin/database-hosts", body);
      expect([answer.statusCode, answer.json().error.code], JSON.stringify(body).slice(0, 80)).toEqual([
        400,
        "VALIDATION_FAILED",
      ]);
      expect(answer.body).not.toContain(password);
    }
    expect(checker.checked).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it("registers a checked host, keeps its admin URL only encrypted, and never shows or audits the URL", async () => {
    const created = await api.call("admin", "POST", "/api/admin/database-hosts", main);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: "main-pg",
      kind: "postgres",
      siteHost: "172.18.0.1",
      sitePort: 5432,
      adminUser: "director_admin",
      adminAddress: "db.school.test:5433",
      maxDatabases: 200,
      isAccepting: true,
    });
    expect(checker.checked).toHaveLength(1);

    const listed = await api.call("admin", "GET", "/api/admin/database-hosts");
    expect(listed.statusCode).toBe(200);
    expect(listed.json().databaseHosts.map((host: { name: string }) => host.name)).toEqual(["main-pg"]);
    for (const body of [created.body, listed.body]) {
      expect(body).not.toContain(password);
      expect(body).not.toContain("postgres://");
    }

    const [row] = await rows();
    expect(row?.admin_url_encrypted).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(password);
    expect(JSON.stringify(row)).not.toContain("db.school.test");

    const audit = await api.database.db
      .selectFrom("audit_events")
      .select(["action", "target", "details"])
      .where("target", "like", "database-host:%")
      .execute();
    expect(audit.map((event) => event.action)).toEqual(["database-host.create"]);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it("refuses a name in use with 409 DATABASE_HOST_NAME_TAKEN", async () => {
    const taken = await api.call("admin", "POST", "/api/admin/database-hosts", { ...main, adminUrl });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, "DATABASE_HOST_NAME_TAKEN"]);
    expect(await rows()).toHaveLength(1);
  });

  it("checks a new admin URL again on PATCH (a refusal changes nothing), and not a change of the limit", async () => {
    const before = (await rows())[0];
    const limit = await api.call("admin", "PATCH", "/api/admin/database-hosts/main-pg", { maxDatabases: 10 });
    expect(limit.json()).toMatchObject({ maxDatabases: 10, adminUser: "director_admin" });
    expect(checker.checked).toEqual([]);

    const newUrl = `postgresql://other_admin:${otherPassword}@db2.school.test/postgres`;
    checker.refusal = new DirectorError("DATABASE_HOST_UNAVAILABLE", "No connection.");
    const refused = await api.call("admin", "PATCH", "/api/admin/database-hosts/main-pg", { adminUrl: newUrl });
    expect([refused.statusCode, refused.json().error.code]).toEqual([503, "DATABASE_HOST_UNAVAILABLE"]);
    expect((await rows())[0]?.admin_url_encrypted).toBe(before?.admin_url_encrypted);

    checker.refusal = null;
    const changed = await api.call("admin", "PATCH", "/api/admin/database-hosts/main-pg", { adminUrl: newUrl });
    expect(changed.json()).toMatchObject({ adminUser: "other_admin", adminAddress: "db2.school.test:5432" });
    expect(changed.body).not.toContain(otherPassword);
    expect(checker.checked.map((host) => host.adminUrl)).toEqual([newUrl, newUrl]);
    expect(JSON.stringify(await rows())).not.toContain(otherPassword);

    const wrongKind = await api.call("admin", "PATCH", "/api/admin/database-hosts/main-pg", { kind: "mysql" });
    expect([wrongKind.statusCode, wrongKind.json().error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const missing = await api.call("admin", "PATCH", "/api/admin/database-hosts/nothing", { maxDatabases: 3 });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, "DATABASE_HOST_NOT_FOUND"]);
  });

  it("deletes a host, then answers 404 for it", async () => {
    const removed = await api.call("admin", "DELETE", "/api/admin/database-hosts/main-pg");
    expect(removed.statusCode).toBe(204);
    expect(await rows()).toEqual([]);
    const again = await api.call("admin", "DELETE", "/api/admin/database-hosts/main-pg");
    expect([again.statusCode, again.json().error.code]).toEqual([404, "DATABASE_HOST_NOT_FOUND"]);
    const audit = await api.database.db
      .selectFrom("audit_events")
      .select("action")
      .where("target", "=", "database-host:main-pg")
      .execute();
    expect(audit.map((event) => event.action)).toContain("database-host.delete");
    expect(JSON.stringify(audit)).not.toContain(otherPassword);
  });
});

describe("database hosts API without DIRECTOR_SECRETS_KEY", () => {
  let api: ManagerTestApp;

  beforeAll(async () => {
    api = await startManagerTestApp({ databaseHostChecker: new FakeChecker() });
    await api.addUser("admin", { isSuperuser: true });
    await api.call("admin", "POST", "/api/guidelines/accept", {});
  });
  afterAll(async () => {
    await api?.close();
  });

  it("refuses with 503 SECRETS_KEY_MISSING, naming the variable to set", async () => {
    for (const [method, body] of [
      ["GET", undefined],
      ["POST", main],
    ] as const) {
      const answer = await api.call("admin", method, "/api/admin/database-hosts", body);
      expect([answer.statusCode, answer.json().error.code]).toEqual([503, "SECRETS_KEY_MISSING"]);
      expect(answer.json().error.message).toContain("DIRECTOR_SECRETS_KEY");
    }
  });
});
