/**
 * Courses through the HTTP edge on a real PostgreSQL: a teacher makes a course, previews a roster (nothing changes),
 * provisions it (accounts invited with the roster's details, one project site and one create operation per student,
 * the teacher a member of each), uploads it again (nothing new), and removes the course's sites in one step. Bad
 * rows are reported, not fatal; strangers to the course see nothing. The worker is not running here: the sites
 * being made and served is e2e/courses.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

const roster = [
  "username,name,email,graduation year",
  "ada,Ada Lovelace,ada@school.test,2027",
  "alan.t,Alan Turing,alan@school.test,2028",
  "bad user,Nobody,nobody@school.test,2027",
  "grace,Grace Hopper,not-an-email,2027",
  "existing,Already Here,,",
  "disabled,Disabled Person,,",
  "taken,Name Taken,,",
].join("\n");

describe("courses", () => {
  let t: ManagerTestApp;
  const db = () => t.database.db;

  beforeAll(async () => {
    t = await startManagerTestApp();
    await t.addUser("teacher", { role: "teacher" });
    await t.addUser("other-teacher", { role: "teacher" });
    await t.addUser("admin", { isSuperuser: true });
    await t.addUser("student");
    await t.addUser("existing");
    await t.addUser("disabled");
    await db().updateTable("users").set({ is_active: false }).where("username", "=", "disabled").execute();
    // a site that already has the name the pattern gives "taken"
    const created = await t.call("admin", "POST", "/api/sites", {
      name: "web1-taken",
      type: "static",
      purpose: "project",
    });
    expect(created.statusCode, created.body).toBe(202);
    const template = await t.call("teacher", "POST", "/api/sites", {
      name: "web1-starter",
      type: "static",
      purpose: "project",
    });
    expect(template.statusCode, template.body).toBe(202);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("lets teachers and administrators make courses, not students, and checks the course's settings", async () => {
    expect((await t.call("student", "GET", "/api/courses")).statusCode).toBe(403);
    const byStudent = await t.call("student", "POST", "/api/courses", { name: "mine", title: "Mine" });
    expect(byStudent.statusCode).toBe(403);
    for (const [body, field] of [
      [{ name: "Web 1", title: "Web" }, "name"],
      [{ name: "web1", title: "Web", siteNamePattern: "{course}" }, "siteNamePattern"],
      [{ name: "web1", title: "Web", siteNamePattern: "{course}-{user}" }, "siteNamePattern"],
      [{ name: "web1", title: "Web", image: "default" }, "image"],
    ] as const) {
      const refused = await t.call("teacher", "POST", "/api/courses", body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.details.fields, JSON.stringify(body)).toHaveProperty(field);
    }
    const foreignTemplate = await t.call("other-teacher", "POST", "/api/courses", {
      name: "web9",
      title: "Web",
      templateSite: "web1-starter",
    });
    expect(foreignTemplate.statusCode).toBe(404);
    expect(await db().selectFrom("courses").selectAll().execute()).toEqual([]);

    const created = await t.call("teacher", "POST", "/api/courses", {
      name: "web1",
      title: "Web Design 1",
      templateSite: "web1-starter",
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: "web1",
      owner: "teacher",
      siteType: "static",
      siteNamePattern: "{course}-{username}",
      templateSite: "web1-starter",
      students: [],
    });
    const again = await t.call("other-teacher", "POST", "/api/courses", { name: "web1", title: "Other" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("COURSE_NAME_TAKEN");
  });

  it("previews a roster row by row and changes nothing", async () => {
    const preview = await t.call("teacher", "POST", "/api/courses/web1/roster/preview", { roster });
    expect(preview.statusCode, preview.body).toBe(200);
    const rows = preview.json().rows as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row.line, row.username, row.site, row.action, row.account, row.code])).toEqual([
      [2, "ada", "web1-ada", "create", "new", null],
      [3, "alan.t", "web1-alan-t", "create", "new", null],
      [4, null, null, "refused", null, "USERNAME_INVALID"],
      [5, null, null, "refused", null, "EMAIL_INVALID"],
      [6, "existing", "web1-existing", "create", "existing", null],
      [7, "disabled", null, "refused", "existing", "ACCOUNT_DISABLED"],
      [8, "taken", "web1-taken", "refused", "new", "SITE_NAME_TAKEN"],
    ]);
    expect(preview.json().counts).toEqual({ create: 3, exists: 0, refused: 4 });
    expect(await db().selectFrom("users").select("username").where("username", "=", "ada").execute()).toEqual([]);
    expect(await db().selectFrom("course_students").selectAll().execute()).toEqual([]);
  });

  it("provisions the roster: invites, one site and one operation per student, the teacher a member of each", async () => {
    const done = await t.call("teacher", "POST", "/api/courses/web1/roster", { roster });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().counts).toEqual({ create: 3, exists: 0, refused: 4 });

    const ada = await db().selectFrom("users").selectAll().where("username", "=", "ada").executeTakeFirstOrThrow();
    expect([ada.display_name, ada.email, ada.graduation_year, ada.role, ada.last_login_at]).toEqual([
      "Ada Lovelace",
      "ada@school.test",
      2027,
      "student",
      null,
    ]);
    // an existing account keeps its own details
    const existing = await db()
      .selectFrom("users")
      .selectAll()
      .where("username", "=", "existing")
      .executeTakeFirstOrThrow();
    expect(existing.display_name).not.toBe("Already Here");

    const sites = await db()
      .selectFrom("sites")
      .select(["name", "purpose", "description"])
      .where("name", "like", "web1-%")
      .where("name", "not in", ["web1-taken", "web1-starter"])
      .orderBy("name")
      .execute();
    expect(sites).toEqual([
      { name: "web1-ada", purpose: "project", description: "Web Design 1: Ada Lovelace" },
      { name: "web1-alan-t", purpose: "project", description: "Web Design 1: Alan Turing" },
      { name: "web1-existing", purpose: "project", description: "Web Design 1: Already Here" },
    ]);
    const members = await t.call("teacher", "GET", "/api/sites/web1-ada/members");
    expect(
      members
        .json()
        .members.map((member: { username: string }) => member.username)
        .sort(),
    ).toEqual(["ada", "teacher"]);

    const operations = await db()
      .selectFrom("operations")
      .select(["id", "site_name", "kind", "input"])
      .where("site_name", "in", ["web1-ada", "web1-alan-t", "web1-existing"])
      .execute();
    expect(operations.map((operation) => operation.kind)).toEqual(["create_site", "create_site", "create_site"]);
    const steps = await db()
      .selectFrom("operation_steps")
      .select("slug")
      .where("operation_id", "=", operations[0]?.id ?? 0)
      .orderBy("position")
      .execute();
    expect(steps.map((step) => step.slug)).toContain("copy_template");

    const course = await t.call("teacher", "GET", "/api/courses/web1");
    expect(
      course
        .json()
        .students.map((student: { username: string; site: string; state: string; isInvited: boolean }) => [
          student.username,
          student.site,
          student.state,
          student.isInvited,
        ]),
    ).toEqual([
      ["ada", "web1-ada", "creating", true],
      ["alan.t", "web1-alan-t", "creating", true],
      ["existing", "web1-existing", "creating", false],
    ]);
  });

  it("makes nothing twice when the roster is uploaded again, and adds a student who is new", async () => {
    const before = await db().selectFrom("operations").select("id").execute();
    const again = await t.call("teacher", "POST", "/api/courses/web1/roster", {
      roster: "ada\nalan.t\nexisting\nnewbie",
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().counts).toEqual({ create: 1, exists: 3, refused: 0 });
    expect(again.json().rows.find((row: { username: string }) => row.username === "ada")).toMatchObject({
      action: "exists",
      site: "web1-ada",
    });
    const after = await db().selectFrom("operations").select("id").execute();
    expect(after.length - before.length).toBe(1);
  });

  it("shows a course to its owner and administrators only", async () => {
    expect((await t.call("other-teacher", "GET", "/api/courses/web1")).statusCode).toBe(404);
    const stranger = await t.call("other-teacher", "POST", "/api/courses/web1/roster", { roster: "mallory" });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.code).toBe("COURSE_NOT_FOUND");
    expect((await t.call("admin", "GET", "/api/courses/web1")).statusCode).toBe(200);
    expect((await t.call("other-teacher", "GET", "/api/courses")).json().courses).toEqual([]);
    expect((await t.call("teacher", "GET", "/api/courses")).json().courses).toEqual([
      expect.objectContaining({ name: "web1", owner: "teacher", students: 4, sitesReady: 0 }),
    ]);
    const tooLarge = await t.call("teacher", "POST", "/api/courses/web1/roster/preview", {
      roster: "x".repeat(300 * 1024),
    });
    expect(tooLarge.statusCode).toBe(400);
  });

  it("removes the course's sites in one step once its name is typed again; a busy site is reported", async () => {
    const refused = await t.call("teacher", "POST", "/api/courses/web1/removal", { confirm: "web2" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("CONFIRMATION_MISMATCH");
    // every site's create operation is still queued (no worker here): each is busy
    const busy = await t.call("teacher", "POST", "/api/courses/web1/removal", { confirm: "web1" });
    expect(busy.statusCode, busy.body).toBe(200);
    expect(busy.json()).toEqual({ deleting: [], busy: ["web1-ada", "web1-alan-t", "web1-existing", "web1-newbie"] });
    await db().updateTable("operations").set({ status: "succeeded" }).where("kind", "=", "create_site").execute();
    await db().updateTable("sites").set({ ready_at: new Date() }).execute();

    const removed = await t.call("teacher", "POST", "/api/courses/web1/removal", { confirm: "web1" });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({
      deleting: ["web1-ada", "web1-alan-t", "web1-existing", "web1-newbie"],
      busy: [],
    });
    const deletes = await db().selectFrom("operations").select("site_name").where("kind", "=", "delete_site").execute();
    expect(deletes.map((operation) => operation.site_name).sort()).toEqual([
      "web1-ada",
      "web1-alan-t",
      "web1-existing",
      "web1-newbie",
    ]);
    expect((await t.call("teacher", "GET", "/api/courses/web1")).statusCode).toBe(404);
    // the template and the site that was never the course's stay
    const kept = await db().selectFrom("operations").select("site_name").where("kind", "=", "delete_site").execute();
    expect(kept.map((operation) => operation.site_name)).not.toContain("web1-starter");
    const audit = await db().selectFrom("audit_events").select("action").where("action", "like", "course.%").execute();
    expect(audit.map((event) => event.action)).toEqual([
      "course.create",
      "course.provision",
      "course.provision",
      "course.remove",
      "course.remove",
    ]);
  });
});
