/**
 * The end of a school year, through the HTTP edge on a real PostgreSQL: a graduating student is told until when
 * the account stays open; an administrator disables the class's student accounts in one step (the year typed
 * again), their sessions end, their sites stay, and nobody else of any kind is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp, testManagerConfig } from "../../testing/test-app.js";

const thisYear = new Date().getUTCFullYear();

describe("a graduating class", () => {
  let t: ManagerTestApp;
  const setYear = (username: string, graduationYear: number) =>
    t.database.db
      .updateTable("users")
      .set({ graduation_year: graduationYear })
      .where("username", "=", username)
      .execute();
  const isActive = async (username: string) =>
    (
      await t.database.db
        .selectFrom("users")
        .select("is_active")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).is_active;

  beforeAll(async () => {
    t = await startManagerTestApp({ config: testManagerConfig({ graduation: { openUntil: "06-15" } }) });
    await t.addUser("admin", { isSuperuser: true });
    for (const student of ["ada", "alan", "grace"]) await t.addUser(student);
    await t.addUser("later");
    await t.addUser("teacher", { role: "teacher" });
    await t.addUser("studentadmin", { isSuperuser: true });
    for (const username of ["ada", "alan", "grace", "teacher", "studentadmin"]) await setYear(username, thisYear);
    await setYear("later", thisYear + 2);
    await t.database.db.updateTable("users").set({ is_active: false }).where("username", "=", "grace").execute();
    const created = await t.call("ada", "POST", "/api/sites", { type: "static", purpose: "personal" });
    expect(created.statusCode, created.body).toBe(202);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("tells a student whose year has come until when the account stays open, and nobody else", async () => {
    expect((await t.call("ada", "GET", "/api/auth/me")).json().graduation).toEqual({
      graduationYear: thisYear,
      accountOpenUntil: `${thisYear}-06-15`,
    });
    for (const other of ["later", "teacher", "admin"]) {
      expect((await t.call(other, "GET", "/api/auth/me")).json().graduation, other).toBeNull();
    }
  });

  it("counts the class, and refuses to disable it without the year typed again (nothing changes)", async () => {
    expect((await t.call("admin", "GET", `/api/admin/classes/${thisYear}`)).json()).toEqual({
      graduationYear: thisYear,
      active: 2,
      disabled: 1,
    });
    for (const confirm of ["", String(thisYear + 1), "yes"]) {
      const refused = await t.call("admin", "POST", `/api/admin/classes/${thisYear}/disable`, { confirm });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.code).toBe("CONFIRMATION_MISMATCH");
    }
    expect(await isActive("ada")).toBe(true);
    const byStudent = await t.call("ada", "POST", `/api/admin/classes/${thisYear}/disable`, { confirm: `${thisYear}` });
    expect(byStudent.statusCode).toBe(403);
    expect((await t.call("admin", "GET", "/api/admin/classes/1800")).statusCode).toBe(400);
  });

  it("disables the class's students at once: their sessions end, teachers, administrators and other years stay", async () => {
    const done = await t.call("admin", "POST", `/api/admin/classes/${thisYear}/disable`, { confirm: ` ${thisYear} ` });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ graduationYear: thisYear, active: 0, disabled: 3, disabledNow: ["ada", "alan"] });
    expect((await t.call("ada", "GET", "/api/auth/me")).statusCode).toBe(401);
    expect(await isActive("alan")).toBe(false);
    for (const kept of ["later", "teacher", "studentadmin", "admin"]) expect(await isActive(kept), kept).toBe(true);
    expect((await t.call("teacher", "GET", "/api/auth/me")).statusCode).toBe(200);
    const sites = await t.database.db.selectFrom("sites").select("name").execute();
    expect(sites).toEqual([{ name: "ada" }]); // the site stays, for its members and the administrators
    const audit = await t.database.db
      .selectFrom("audit_events")
      .select(["action", "target", "details"])
      .where("action", "=", "users.disable_class")
      .execute();
    expect(audit).toEqual([{ action: "users.disable_class", target: `class:${thisYear}`, details: { count: 2 } }]);
    // again: nothing left to disable
    const again = await t.call("admin", "POST", `/api/admin/classes/${thisYear}/disable`, { confirm: `${thisYear}` });
    expect(again.json().disabledNow).toEqual([]);
  });
});
