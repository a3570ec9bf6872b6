/**
 * Handing a site to someone else through the HTTP edge on a real PostgreSQL: a graduating student gives their
 * personal site to a teacher (it becomes a project site, the student leaves it, the teacher is told by email);
 * a member may give a site only to an active teacher, an administrator to anyone; a refusal changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

describe("handing a site to someone else", () => {
  let t: ManagerTestApp;
  const membersOf = async (site: string) =>
    (await t.call("admin", "GET", `/api/sites/${site}/members`))
      .json()
      .members.map((member: { username: string }) => member.username);
  const purposeOf = async (site: string) =>
    (await t.database.db.selectFrom("sites").select("purpose").where("name", "=", site).executeTakeFirstOrThrow())
      .purpose;

  beforeAll(async () => {
    t = await startManagerTestApp();
    const admin = await t.addUser("admin", { isSuperuser: true });
    const gina = await t.addUser("gina");
    await t.addUser("sam");
    await t.addUser("tina", { role: "teacher", email: "tina@school.test" });
    await t.addUser("gone-teacher", { role: "teacher" });
    await t.database.db.updateTable("users").set({ is_active: false }).where("username", "=", "gone-teacher").execute();
    await t.services.sites.create(gina, { type: "static", purpose: "personal", description: "" });
    await t.services.sites.create(admin, { name: "robotics", type: "static", purpose: "activity", description: "" });
    await t.call("admin", "POST", "/api/sites/robotics/members", { username: "gina" });
    await t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("refuses a student as recipient, an unknown or disabled account, strangers and guests; nothing changes", async () => {
    for (const [to, status, code] of [
      ["sam", 403, "FORBIDDEN"],
      ["nobody", 400, "VALIDATION_FAILED"],
      ["gone-teacher", 400, "VALIDATION_FAILED"],
    ] as const) {
      const refused = await t.call("gina", "POST", "/api/sites/gina/transfer", { to });
      expect([to, refused.statusCode, refused.json().error.code]).toEqual([to, status, code]);
    }
    expect((await t.call("sam", "POST", "/api/sites/gina/transfer", { to: "tina" })).statusCode).toBe(404);
    expect(await membersOf("gina")).toEqual(["gina"]);
    expect(await purposeOf("gina")).toBe("personal");
  });

  it("gives a personal site to a teacher: a project site now, the teacher its member, the student out", async () => {
    const given = await t.call("gina", "POST", "/api/sites/gina/transfer", { to: "tina" });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json()).toMatchObject({ purpose: "project" });
    expect(await membersOf("gina")).toEqual(["tina"]);
    expect(await purposeOf("gina")).toBe("project");
    // the student no longer sees it; the teacher manages it
    expect((await t.call("gina", "GET", "/api/sites/gina")).statusCode).toBe(404);
    expect((await t.call("tina", "POST", "/api/sites/gina/members", { username: "sam" })).statusCode).toBe(201);
    const mail = await t.database.db.selectFrom("mail_outbox").select(["recipients", "subject"]).execute();
    expect(mail).toContainEqual({ recipients: ["tina@school.test"], subject: "gina gave you the site gina" });
    const audit = await t.database.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "site.transfer")
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ from: "gina", to: "tina", keepAccess: false, purpose: "project" });
  });

  it("lets a member keep access to a club site they hand over, and an administrator give a site to anyone", async () => {
    const kept = await t.call("gina", "POST", "/api/sites/robotics/transfer", { to: "tina", keepAccess: true });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(await membersOf("robotics")).toEqual(["admin", "gina", "tina"]);
    expect(await purposeOf("robotics")).toBe("activity");
    const byAdmin = await t.call("admin", "POST", "/api/sites/robotics/transfer", { to: "sam" });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(await membersOf("robotics")).toEqual(["gina", "sam", "tina"]);
  });
});
