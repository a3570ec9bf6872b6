/**
 * Renaming a site through the HTTP edge on a real PostgreSQL: the new name is the site's at once with its rename
 * operation, the old one is held (no new site may take it) until the name releaser frees it after its grace period,
 * and every refusal changes nothing. The worker is not running here: the machines following the rename (served at
 * the new name, the old one redirected) is e2e/site-rename.e2e.test.ts.
 */
import type { SiteId } from "@director/domain/site";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";
import { SiteNameReleaser } from "./site-name-releaser.js";

describe("renaming a site", () => {
  let t: ManagerTestApp;
  const db = () => t.database.db;
  const names = async () =>
    (await db().selectFrom("sites").select("name").orderBy("name").execute()).map((row) => row.name);
  const held = () => db().selectFrom("site_former_names").select(["name", "site_id"]).orderBy("name").execute();
  /** the site's current operation ends, as the worker would end it */
  const finishOperations = () =>
    db().updateTable("operations").set({ status: "succeeded", finished_at: new Date() }).execute();

  beforeAll(async () => {
    t = await startManagerTestApp();
    await t.addUser("teacher", { role: "teacher" });
    await t.addUser("student");
    await t.addUser("stranger");
    for (const name of ["robotics", "other"]) {
      const created = await t.call("teacher", "POST", "/api/sites", { name, type: "static", purpose: "project" });
      expect(created.statusCode, created.body).toBe(202);
    }
    const personal = await t.call("student", "POST", "/api/sites", { type: "static", purpose: "personal" });
    expect(personal.statusCode, personal.body).toBe(202);
    await finishOperations();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("refuses bad renames with a stable code and changes nothing", async () => {
    const before = await names();
    const cases: Array<[string, string, object, number, string]> = [
      ["stranger", "robotics", { name: "robots" }, 404, "SITE_NOT_FOUND"],
      ["student", "student", { name: "someone-else" }, 422, "SITE_RENAME_UNSUPPORTED"],
      ["teacher", "robotics", { name: "Robots!" }, 400, "SITE_NAME_INVALID"],
      ["teacher", "robotics", { name: "x" }, 400, "SITE_NAME_INVALID"],
      ["teacher", "robotics", { name: "director-robots" }, 409, "SITE_NAME_RESERVED"],
      ["teacher", "robotics", { name: "other" }, 409, "SITE_NAME_TAKEN"],
      ["teacher", "robotics", { name: "robotics" }, 400, "VALIDATION_FAILED"],
      ["teacher", "robotics", { name: "robots", extra: true }, 400, "VALIDATION_FAILED"],
      ["teacher", "robotics", {}, 400, "VALIDATION_FAILED"],
    ];
    for (const [user, site, body, status, code] of cases) {
      const refused = await t.call(user, "POST", `/api/sites/${site}/rename`, body);
      expect(refused.statusCode, `${JSON.stringify(body)}: ${refused.body}`).toBe(status);
      expect(refused.json().error.code).toBe(code);
    }
    expect(await names()).toEqual(before);
    expect(await held()).toEqual([]);
    expect(await db().selectFrom("operations").select("id").where("kind", "=", "rename_site").execute()).toEqual([]);
  });

  it("renames at once, queues the operation, holds the old name and audits it", async () => {
    const renamed = await t.call("teacher", "POST", "/api/sites/robotics/rename", { name: "robots" });
    expect(renamed.statusCode, renamed.body).toBe(202);
    const { operation } = renamed.json();
    expect(operation).toMatchObject({ kind: "rename_site", siteName: "robots", status: "pending" });
    expect(operation.steps.map((step: { slug: string }) => step.slug)).toEqual([
      "write_balancer_config",
      "add_route",
      "update_redirects",
    ]);
    expect(await names()).toEqual(["other", "robots", "student"]);
    const site = await db().selectFrom("sites").select("id").where("name", "=", "robots").executeTakeFirstOrThrow();
    expect(await held()).toEqual([{ name: "robotics", site_id: site.id }]);
    const expiry = await db()
      .selectFrom("site_former_names")
      .select(sql<number>`extract(epoch from expires_at - now()) / 86400`.as("days"))
      .executeTakeFirstOrThrow();
    expect(Number(expiry.days)).toBeGreaterThan(29.9);
    expect(Number(expiry.days)).toBeLessThanOrEqual(30);
    const audit = await db()
      .selectFrom("audit_events")
      .select(["action", "target", "details"])
      .where("action", "=", "site.rename")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: "site:robots", details: { from: "robotics", to: "robots" } });
    expect((await t.call("teacher", "GET", "/api/sites/robots")).statusCode).toBe(200);
    expect((await t.call("teacher", "GET", "/api/sites/robotics")).statusCode).toBe(404);

    // busy: the rename operation has not run yet
    const busy = await t.call("teacher", "POST", "/api/sites/robots/rename", { name: "robots-2" });
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().error.code).toBe("SITE_BUSY");
    expect(await names()).toEqual(["other", "robots", "student"]);
    await finishOperations();
  });

  it("keeps a held name from new sites and from other sites' renames", async () => {
    const create = await t.call("teacher", "POST", "/api/sites", {
      name: "robotics",
      type: "static",
      purpose: "project",
    });
    expect(create.statusCode, create.body).toBe(409);
    expect(create.json().error).toMatchObject({ code: "SITE_NAME_TAKEN", details: { field: "name" } });
    expect(create.json().error.details.heldUntil).toEqual(expect.any(String));
    const rename = await t.call("teacher", "POST", "/api/sites/other/rename", { name: "robotics" });
    expect(rename.statusCode, rename.body).toBe(409);
    expect(rename.json().error.code).toBe("SITE_NAME_TAKEN");
    expect(await names()).toEqual(["other", "robots", "student"]);
  });

  it("takes a former name of its own back, and a chain redirects every former name to the current one", async () => {
    const again = await t.call("teacher", "POST", "/api/sites/robots/rename", { name: "robot-club" });
    expect(again.statusCode, again.body).toBe(202);
    await finishOperations();
    expect((await held()).map((row) => row.name)).toEqual(["robotics", "robots"]);
    expect(await t.services.repositories.siteFormerNames.redirects()).toEqual([
      { from: "robotics", to: "robot-club" },
      { from: "robots", to: "robot-club" },
    ]);
    const back = await t.call("teacher", "POST", "/api/sites/robot-club/rename", { name: "robotics" });
    expect(back.statusCode, back.body).toBe(202);
    await finishOperations();
    expect(await names()).toEqual(["other", "robotics", "student"]);
    expect(await t.services.repositories.siteFormerNames.redirects()).toEqual([
      { from: "robot-club", to: "robotics" },
      { from: "robots", to: "robotics" },
    ]);
  });

  it("frees an expired name only through a release operation, which a busy site waits for", async () => {
    await db()
      .updateTable("site_former_names")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("name", "=", "robots")
      .execute();
    const repositories = t.services.repositories;
    // expired names leave the redirect set and the routes at once; the row holds the name until released
    expect(await repositories.siteFormerNames.redirects()).toEqual([{ from: "robot-club", to: "robotics" }]);
    const site = await db().selectFrom("sites").select("id").where("name", "=", "robotics").executeTakeFirstOrThrow();
    const releaser = new SiteNameReleaser({
      formerNames: repositories.siteFormerNames,
      sites: repositories.sites,
      inTransaction: (work) => t.services.inTransaction(({ operations }) => work({ operations })),
      workerWakeup: { notify: () => {}, subscribe: () => () => {} },
      log: { warn: () => {} },
      options: { intervalMs: 60_000, batchSize: 10 },
    });
    // another operation of the site runs: the release waits for it
    await db()
      .insertInto("operations")
      .values({ site_id: site.id, site_name: "robotics", kind: "restart_site", status: "running" })
      .execute();
    expect(await releaser.run()).toEqual({ queued: 0 });
    await finishOperations();
    expect(await releaser.run()).toEqual({ queued: 1 });
    // queued twice: joined, not doubled
    expect(await releaser.run()).toEqual({ queued: 1 });
    const releases = await db()
      .selectFrom("operations")
      .select(["site_name", "status"])
      .where("kind", "=", "release_site_names")
      .execute();
    expect(releases).toEqual([{ site_name: "robotics", status: "pending" }]);
    const create = await t.call("teacher", "POST", "/api/sites", {
      name: "robots",
      type: "static",
      purpose: "project",
    });
    expect(create.statusCode, create.body).toBe(409);
    expect(await repositories.siteFormerNames.forgetExpired(site.id as SiteId)).toBe(1);
    const created = await t.call("teacher", "POST", "/api/sites", {
      name: "robots",
      type: "static",
      purpose: "project",
    });
    expect(created.statusCode, created.body).toBe(202);
  });
});
