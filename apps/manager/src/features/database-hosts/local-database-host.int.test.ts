/**
 * The installation's own database host against a real PostgreSQL and the real SecretBox, seen through the manager's
 * API as an administrator sees it: registered once, its address and admin URL follow the instance, what an
 * administrator changed stays, a host they deleted is not made again, and an administrator's own `local` is left be.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecretsKey } from "../../adapters/secret-box.js";
import { type ManagerTestApp, startManagerTestApp, testManagerConfig } from "../../testing/test-app.js";
import { type LocalDatabaseHost, registerLocalDatabaseHost } from "./local-database-host.js";

const secretsKey = generateSecretsKey();
const local: LocalDatabaseHost = {
  name: "local",
  kind: "postgres",
  siteHost: "172.19.0.1",
  sitePort: 5440,
  adminUrl: "postgres://postgres:first-Pa55word@172.19.0.1:5440/postgres",
  maxDatabases: 1000,
};

describe("the installation's own database host", () => {
  let api: ManagerTestApp;

  beforeAll(async () => {
    api = await startManagerTestApp({ config: testManagerConfig({ secrets: { key: secretsKey } }) });
    await api.addUser("admin", { isSuperuser: true });
    await api.call("admin", "POST", "/api/guidelines/accept", {});
  });
  afterAll(async () => {
    await api?.close();
  });

  const listed = async () => (await api.call("admin", "GET", "/api/admin/database-hosts")).json().databaseHosts;
  const register = (wanted: LocalDatabaseHost, registeredId: number | null) =>
    registerLocalDatabaseHost(api.database.db, secretsKey, wanted, registeredId);

  it("is registered once, then follows the instance's address but keeps what administrators set", async () => {
    const created = await register(local, null);
    expect(created.action).toBe("created");
    const id = created.action === "created" ? created.host.id : -1;
    expect(await listed()).toEqual([
      expect.objectContaining({ name: "local", siteHost: "172.19.0.1", isAccepting: true, maxDatabases: 1000 }),
    ]);
    const sealed = await api.database.db.selectFrom("database_hosts").select("admin_url_encrypted").execute();
    expect(JSON.stringify(sealed)).not.toContain("first-Pa55word");

    expect((await register(local, id)).action).toBe("unchanged");
    const changed = await api.call("admin", "PATCH", "/api/admin/database-hosts/local", {
      name: "school-pg",
      isAccepting: false,
      maxDatabases: 5,
    });
    expect(changed.statusCode, changed.body).toBe(200);

    const moved = {
      ...local,
      siteHost: "172.20.0.1",
      adminUrl: "postgres://postgres:first-Pa55word@172.20.0.1:5440/postgres",
    };
    expect((await register(moved, id)).action).toBe("updated");
    expect(await listed()).toEqual([
      expect.objectContaining({
        name: "school-pg",
        siteHost: "172.20.0.1",
        adminAddress: "172.20.0.1:5440",
        isAccepting: false,
        maxDatabases: 5,
      }),
    ]);
    const audit = await api.database.db
      .selectFrom("audit_events")
      .select(["action", "actor_user_id", "details"])
      .where("target", "like", "database-host:%")
      .orderBy("id")
      .execute();
    expect(audit.map((event) => [event.action, event.actor_user_id])).toEqual([
      ["database-host.create", null],
      ["database-host.update", expect.any(Number)],
      ["database-host.update", null],
    ]);
    expect(JSON.stringify(audit)).not.toContain("first-Pa55word");

    const removed = await api.call("admin", "DELETE", "/api/admin/database-hosts/school-pg");
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await register(moved, id)).action).toBe("deleted-by-administrator");
    expect(await listed()).toEqual([]);
  });

  it("leaves an administrator's own host of that name alone", async () => {
    const own = { ...local, adminUrl: "postgres://admin:other-Pa55word@db.school.test:5432/postgres" };
    expect((await register(own, null)).action).toBe("created");
    expect((await register(local, null)).action).toBe("name-taken");
    expect(await listed()).toEqual([expect.objectContaining({ name: "local", adminAddress: "db.school.test:5432" })]);
  });
});
