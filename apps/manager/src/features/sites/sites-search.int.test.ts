/**
 * Site search, purposes, description and the typed delete confirmation through the HTTP edge, against a real
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

describe("sites: search, purposes, description, delete confirmation", () => {
  let t: ManagerTestApp;
  const names = async (who: string, query: string) => {
    const answer = await t.call(who, "GET", `/api/sites?${query}`);
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json().sites.map((site: { name: string }) => site.name);
  };

  beforeAll(async () => {
    t = await startManagerTestApp();
    const admin = await t.addUser("admin", { isSuperuser: true });
    const alice = await t.addUser("alice");
    await t.addUser("bob");
    await t.addUser("tess", { role: "teacher" });
    const make = (name: string, description: string, memberIds: number[]) =>
      t.database.db.transaction().execute(async (trx) => {
        const site = await trx
          .insertInto("sites")
          .values({ name, type: "static", purpose: "project", description })
          .returning("id")
          .executeTakeFirstOrThrow();
        for (const userId of memberIds)
          await trx.insertInto("site_members").values({ site_id: site.id, user_id: userId }).execute();
      });
    await make("robotics", "Robots and Arduino", [alice.id]);
    await make("chess-club", "We play chess; 100% fun", [alice.id]);
    await make("art", "Painting_and drawing", [admin.id]);
    await make("math", "Proofs", []);
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each<[string, string, string[]]>([
    ["", "admin", ["art", "chess-club", "math", "robotics"]],
    ["", "alice", ["chess-club", "robotics"]],
    ["", "bob", []],
    ["q=chess", "admin", ["chess-club"]],
    ["q=arduino", "admin", ["robotics"]],
    ["q=name:o", "admin", ["robotics"]],
    ["q=name:c desc:chess", "admin", ["chess-club"]],
    ["q=user:alice", "admin", ["chess-club", "robotics"]],
    ["q=alice", "admin", ["chess-club", "robotics"]],
    ["q=user:ALICE name:rob", "admin", ["robotics"]],
    // wildcards match themselves only
    [`q=${encodeURIComponent("100%")}`, "admin", ["chess-club"]],
    [`q=${encodeURIComponent("desc:%")}`, "admin", ["chess-club"]],
    [`q=${encodeURIComponent("desc:_")}`, "admin", ["art"]],
    [`q=${encodeURIComponent("g_and")}`, "admin", ["art"]],
    [`q=${encodeURIComponent('desc:"chess; 100"')}`, "admin", ["chess-club"]],
    // a non-administrator's search stays within their own sites
    ["q=art", "alice", []],
    ["q=user:admin", "alice", []],
    [`q=${encodeURIComponent("' or 1=1 --")}`, "admin", []],
  ])("GET /api/sites?%s as %s", async (query, who, expected) => {
    expect(await names(who, query)).toEqual(expected);
  });

  it("finds by id and pages with the total", async () => {
    const robotics = await t.database.db
      .selectFrom("sites")
      .select("id")
      .where("name", "=", "robotics")
      .executeTakeFirstOrThrow();
    expect(await names("admin", `q=id:${robotics.id}`)).toEqual(["robotics"]);
    const page = (await t.call("admin", "GET", "/api/sites?limit=2&offset=1")).json();
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.sites.map((site: { name: string }) => site.name)).toEqual(["chess-club", "math"]);
    // A search's total counts every match, whatever the page (it comes with the page's rows), and survives a page
    // past the end; a member's counts only their sites.
    const search = async (who: string, query: string) => (await t.call(who, "GET", `/api/sites?${query}`)).json();
    expect(await search("admin", "q=alice&limit=1")).toMatchObject({ total: 2, sites: [{ name: "chess-club" }] });
    expect(await search("admin", "q=alice&limit=1&offset=1")).toMatchObject({
      total: 2,
      sites: [{ name: "robotics" }],
    });
    expect(await search("admin", "q=alice&limit=1&offset=5")).toMatchObject({ total: 2, sites: [] });
    expect(await search("admin", "q=nothing-matches")).toMatchObject({ total: 0, sites: [] });
    expect(await search("alice", "limit=1&offset=1")).toMatchObject({ total: 2, sites: [{ name: "robotics" }] });
    expect(await search("alice", "q=math")).toMatchObject({ total: 0, sites: [] });
    const bad = await t.call("admin", "GET", "/api/sites?q=id:x");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.q).toBeTruthy();
  });

  it("creates a personal site named after its owner, once; other purposes by role", async () => {
    const mine = await t.call("bob", "POST", "/api/sites", { purpose: "personal" });
    expect(mine.statusCode, mine.body).toBe(202);
    expect(mine.json().site).toMatchObject({ name: "bob", purpose: "personal", members: ["bob"] });
    const again = await t.call("bob", "POST", "/api/sites", { purpose: "personal" });
    expect(again.json().error.code).toBe("SITE_NAME_TAKEN");
    expect((await t.call("bob", "POST", "/api/sites", { purpose: "personal", name: "alice" })).statusCode).toBe(403);
    expect((await t.call("bob", "POST", "/api/sites", { purpose: "project", name: "bobs-project" })).statusCode).toBe(
      403,
    );
    expect((await t.call("bob", "POST", "/api/sites", { purpose: "activity", name: "bobs-club" })).statusCode).toBe(
      403,
    );
    // teachers start project sites; activity sites still need a request
    expect((await t.call("tess", "POST", "/api/sites", { purpose: "project", name: "physics" })).statusCode).toBe(202);
    expect((await t.call("tess", "POST", "/api/sites", { purpose: "activity", name: "tess-club" })).statusCode).toBe(
      403,
    );
    const noName = await t.call("admin", "POST", "/api/sites", { purpose: "project" });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.details.fields).toHaveProperty("name");
    const activity = await t.call("admin", "POST", "/api/sites", { purpose: "activity", name: "band" });
    expect(activity.json().site.url).toBe("https://activities.school.test/band/");
    expect(mine.json().site.url).toBe("http://bob.sites.localhost:8081/");
  });

  it("lets members edit the description, which the search then finds", async () => {
    const changed = await t.call("alice", "PUT", "/api/sites/robotics/description", { description: "  FIRST team  " });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().description).toBe("FIRST team");
    expect(await names("alice", "q=desc:first")).toEqual(["robotics"]);
    expect((await t.call("bob", "PUT", "/api/sites/robotics/description", { description: "x" })).statusCode).toBe(404);
  });

  it("deletes only with the site's name typed to confirm", async () => {
    await t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();
    const operationCount = async () => (await t.database.db.selectFrom("operations").select("id").execute()).length;
    const before = await operationCount();
    for (const body of [undefined, {}, { confirmName: "bo" }, { confirmName: "BOB" }]) {
      const refused = await t.call("bob", "DELETE", "/api/sites/bob", body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe("CONFIRMATION_MISMATCH");
    }
    expect(await operationCount()).toBe(before);
    const deleted = await t.call("bob", "DELETE", "/api/sites/bob", { confirmName: "bob" });
    expect(deleted.statusCode, deleted.body).toBe(202);
    expect(deleted.json().operation.kind).toBe("delete_site");
  });
});
