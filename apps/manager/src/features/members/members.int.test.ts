/** Site members through the HTTP edge against a real PostgreSQL: who manages them, invitations, the last member. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

describe("site members", () => {
  let t: ManagerTestApp;
  const usernames = async (who: string, site: string) =>
    (await t.call(who, "GET", `/api/sites/${site}/members`))
      .json()
      .members.map((m: { username: string }) => m.username);
  const auditActions = async () =>
    (
      await t.database.db.selectFrom("audit_events").select(["action", "target", "details"]).orderBy("id").execute()
    ).filter((event) => event.action.startsWith("site.member") || event.action === "user.invite");

  beforeAll(async () => {
    t = await startManagerTestApp();
    const admin = await t.addUser("admin", { isSuperuser: true });
    const alice = await t.addUser("alice");
    await t.addUser("bob");
    await t.addUser("carol");
    await t.services.sites.create(admin, { name: "club", type: "static", purpose: "project", description: "" });
    await t.services.sites.create(alice, { type: "static", purpose: "personal", description: "" });
    await t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("lets an administrator add members; a member then manages the others", async () => {
    const added = await t.call("admin", "POST", "/api/sites/club/members", { username: "alice" });
    expect(added.statusCode, added.body).toBe(201);
    expect(await usernames("alice", "club")).toEqual(["admin", "alice"]);
    expect((await t.call("alice", "POST", "/api/sites/club/members", { username: "bob" })).statusCode).toBe(201);
    // adding someone who is already a member changes nothing
    expect((await t.call("alice", "POST", "/api/sites/club/members", { username: "bob" })).statusCode).toBe(201);
    expect((await t.call("alice", "DELETE", "/api/sites/club/members/admin")).statusCode).toBe(200);
    expect(await usernames("bob", "club")).toEqual(["alice", "bob"]);
    expect((await auditActions()).map((event) => [event.action, event.details])).toEqual([
      ["site.member_add", { username: "alice" }],
      ["site.member_add", { username: "bob" }],
      ["site.member_remove", { username: "admin" }],
    ]);
  });

  it("invites a username without an account: a student row that joins the site at first login", async () => {
    const invited = await t.call("alice", "POST", "/api/sites/club/members", { username: "NewKid" });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().members).toContainEqual({
      username: "newkid",
      displayName: "newkid",
      role: "student",
      isInvited: true,
    });
    const row = await t.database.db
      .selectFrom("users")
      .select(["role", "password_hash", "last_login_at", "is_superuser"])
      .where("username", "=", "newkid")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: "student", password_hash: null, last_login_at: null, is_superuser: false });
    expect(
      (await auditActions()).some((event) => event.action === "user.invite" && event.target === "user:newkid"),
    ).toBe(true);
    const bad = await t.call("alice", "POST", "/api/sites/club/members", { username: "no spaces" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("USERNAME_INVALID");
  });

  it("keeps at least one member unless an administrator removes the last", async () => {
    await t.call("alice", "DELETE", "/api/sites/club/members/newkid");
    await t.call("alice", "DELETE", "/api/sites/club/members/bob");
    expect(await usernames("alice", "club")).toEqual(["alice"]);
    const last = await t.call("alice", "DELETE", "/api/sites/club/members/alice");
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe("SITE_NEEDS_A_MEMBER");
    expect(await usernames("alice", "club")).toEqual(["alice"]);
    const notMember = await t.call("alice", "DELETE", "/api/sites/club/members/carol");
    expect(notMember.statusCode).toBe(404);
    expect(notMember.json().error.code).toBe("NOT_FOUND");
    expect((await t.call("admin", "DELETE", "/api/sites/club/members/alice")).statusCode).toBe(200);
    expect(await usernames("admin", "club")).toEqual([]);
  });

  it("lets only the owner manage a personal site's members", async () => {
    expect((await t.call("alice", "POST", "/api/sites/alice/members", { username: "bob" })).statusCode).toBe(201);
    const byGuest = await t.call("bob", "POST", "/api/sites/alice/members", { username: "carol" });
    expect(byGuest.statusCode).toBe(403);
    expect(byGuest.json().error.code).toBe("FORBIDDEN");
    expect((await t.call("bob", "DELETE", "/api/sites/alice/members/alice")).statusCode).toBe(403);
    // a guest may see who else works on it, but not delete the owner's site
    expect(await usernames("bob", "alice")).toEqual(["alice", "bob"]);
    expect((await t.call("bob", "DELETE", "/api/sites/alice", { confirmName: "alice" })).statusCode).toBe(403);
    expect((await t.call("carol", "GET", "/api/sites/alice/members")).statusCode).toBe(404);
  });

  it("emails a person added by someone else (through the outbox), once, and nobody who adds themselves", async () => {
    const outbox = () =>
      t.database.db.selectFrom("mail_outbox").select(["recipients", "subject", "body"]).orderBy("id").execute();
    const before = (await outbox()).length;
    await t.addUser("dana");
    expect((await t.call("admin", "POST", "/api/sites/club/members", { username: "dana" })).statusCode).toBe(201);
    expect((await t.call("admin", "POST", "/api/sites/club/members", { username: "dana" })).statusCode).toBe(201);
    expect((await t.call("admin", "POST", "/api/sites/club/members", { username: "admin" })).statusCode).toBe(201);
    const sent = (await outbox()).slice(before);
    expect(sent).toEqual([
      {
        recipients: ["dana@school.test"],
        subject: "You were added to the site club",
        body: expect.stringContaining('admin added you to the site "club"'),
      },
    ]);
  });
});
