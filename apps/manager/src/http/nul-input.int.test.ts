/**
 * NUL (U+0000) in a request, on a real PostgreSQL, which cannot store it: every route family that used to answer 500
 * for it (the login included) refuses it as 400 VALIDATION_FAILED naming the field, and changes nothing. Behind the
 * request schemas, PostgreSQL's own refusal (22021) is a 400 too.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../testing/test-app.js";

const nul = "\u0000";

interface Counts {
  requests: string;
  images: string;
  mail: string;
}

describe("NUL in requests", () => {
  let t: ManagerTestApp;
  let before: Counts | undefined;

  const counts = async () =>
    (
      await sql<Counts>`
        select (select count(*) from site_requests) as requests, (select count(*) from images) as images,
               (select count(*) from audit_events where action like 'mail.%') as mail`.execute(t.database.db)
    ).rows[0];

  beforeAll(async () => {
    t = await startManagerTestApp();
    // a route that hands NUL to PostgreSQL itself, for the safety net (routes are added before the app first answers)
    t.app.get("/test/unstorable", { config: { caller: "public" } }, async () =>
      t.database.db.selectFrom("users").selectAll().where("username", "=", `sam${nul}`).execute(),
    );
    await t.addUser("admin", { isSuperuser: true });
    const sam = await t.addUser("sam");
    await t.addUser("tina", { role: "teacher" });
    await t.services.sites.create(sam, { name: "sam", type: "static", purpose: "personal", description: "mine" });
    before = await counts();
  });

  afterAll(async () => {
    await t?.close();
  });

  type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  const refusals: Array<[string | null, Method, string, object | undefined, string]> = [
    [null, "POST", "/api/auth/login", { username: `sam${nul}`, password: "x" }, "username"],
    [null, "POST", "/api/auth/login", { username: "sam", password: `a password long enough${nul}` }, "password"],
    ["sam", "GET", "/api/sites/sam%00", undefined, "name"],
    ["sam", "GET", "/api/sites?q=sam%00", undefined, "q"],
    ["sam", "PUT", "/api/sites/sam/description", { description: `ours${nul}` }, "description"],
    ["sam", "GET", "/api/sites/sam%00/members", undefined, "name"],
    ["sam", "POST", "/api/sites/sam/members", { username: `tina${nul}` }, "username"],
    ["sam", "DELETE", "/api/sites/sam/members/tina%00", undefined, "username"],
    ["sam", "GET", "/api/sites/sam/files/public/a%00.html", undefined, "*"],
    ["sam", "GET", "/api/sites/sam%00/process", undefined, "name"],
    ["sam", "GET", "/api/sites/sam%00/logs", undefined, "name"],
    [
      "sam",
      "POST",
      "/api/site-requests",
      { activity: `Chess${nul}`, siteName: "chess", sponsor: "tina", agreement: true },
      "activity",
    ],
    [
      "sam",
      "POST",
      "/api/site-requests",
      { activity: "Chess", siteName: "chess", sponsor: `tina${nul}`, agreement: true },
      "sponsor",
    ],
    ["admin", "GET", "/api/admin/users?q=sam%00", undefined, "q"],
    ["admin", "PATCH", "/api/admin/users/sam%00", { isActive: true }, "username"],
    ["admin", "GET", "/api/admin/audit?actor=sam%00", undefined, "actor"],
    ["admin", "GET", "/api/admin/audit?site=sam%00", undefined, "site"],
    [
      "admin",
      "POST",
      "/api/images",
      { name: "img", friendlyName: "Img", parentRef: "a:b", description: nul },
      "description",
    ],
    [
      "admin",
      "POST",
      "/api/images",
      { name: "img", friendlyName: "Img", parentRef: "a:b", logoUrl: `https://x.test/${nul}` },
      "logoUrl",
    ],
    ["admin", "PATCH", "/api/images/img%00", { description: "x" }, "name"],
    ["admin", "PUT", "/api/sites/sam/admin-comment", { comment: `hello${nul}` }, "comment"],
    ["admin", "POST", "/api/admin/mail", { subject: "Hi", text: `text${nul}`, to: ["sam"], confirm: true }, "text"],
    ["admin", "POST", "/api/admin/reconcile", { site: `sam${nul}` }, "site"],
  ];

  it.each(refusals)("%s %s %s: 400 VALIDATION_FAILED naming the field", async (who, method, url, payload, field) => {
    const answer = await t.call(who, method, url, payload);
    expect(answer.statusCode, answer.body).toBe(400);
    const { error } = answer.json();
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details.fields[field]).toMatch(/NUL/);
  });

  it("changes nothing", async () => {
    const site = await t.call("sam", "GET", "/api/sites/sam");
    expect(site.json().description).toBe("mine");
    expect(site.json().adminComment).toBe("");
    expect(await counts()).toEqual(before);
  });

  it("answers PostgreSQL's own refusal of NUL (22021) with 400, as a safety net behind the schemas", async () => {
    const answer = await t.app.inject({ method: "GET", url: "/test/unstorable" });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json().error.code).toBe("VALIDATION_FAILED");
  });
});
