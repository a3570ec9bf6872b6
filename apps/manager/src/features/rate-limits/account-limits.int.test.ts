/**
 * The limits per account through the manager's HTTP edge on a real PostgreSQL (here 2 per window): site requests
 * (each mails a teacher) and invitations (each makes an account). Past the limit: 429 ACCOUNT_RATE_LIMITED with
 * Retry-After, and nothing written. Refused requests and additions of existing accounts do not count; administrators
 * are not limited.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTestConfig, type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

const config = {
  ...apiTestConfig,
  accountLimits: { siteRequestMaxPerAccount: 2, inviteMaxPerAccount: 2, windowMs: 3_600_000 },
};

describe("limits per account", () => {
  let t: ManagerTestApp;

  beforeAll(async () => {
    t = await startManagerTestApp({ config });
    await t.addUser("admin", { isSuperuser: true });
    const sam = await t.addUser("sam");
    await t.addUser("bob");
    await t.addUser("tina", { role: "teacher" });
    await t.services.sites.create(sam, { name: "sam", type: "static", purpose: "personal", description: "" });
  });

  afterAll(async () => {
    await t?.close();
  });

  const count = async (query: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.raw(query)}`.execute(t.database.db)).rows[0]?.n);

  const askFor = (who: string, siteName: string, sponsor = "tina") =>
    t.call(who, "POST", "/api/site-requests", { activity: `Club ${siteName}`, siteName, sponsor, agreement: true });

  it("refuses a third site request in the window with 429, Retry-After and a clear message, writing nothing", async () => {
    // refused for another reason: not counted
    expect((await askFor("sam", "chess", "bob")).statusCode).toBe(422);
    expect((await askFor("sam", "chess")).statusCode).toBe(201);
    expect((await askFor("sam", "robots")).statusCode).toBe(201);
    const requests = await count("site_requests");
    const mail = await count("mail_outbox");

    const refused = await askFor("sam", "drama");
    expect(refused.statusCode, refused.body).toBe(429);
    const { error } = refused.json();
    expect(error.code).toBe("ACCOUNT_RATE_LIMITED");
    expect(error.message).toMatch(/^At most 2 site requests per account in 60 min; try again in \d+ min\.$/);
    expect(error.details).toMatchObject({ limit: "site_requests", max: 2 });
    expect(Number(refused.headers["retry-after"])).toBe(error.details.retryAfterSeconds);
    expect(error.details.retryAfterSeconds).toBeGreaterThan(3500);
    expect(await count("site_requests")).toBe(requests);
    expect(await count("mail_outbox")).toBe(mail);

    // another student has an allowance of their own
    expect((await askFor("bob", "drama")).statusCode).toBe(201);
  });

  it("refuses a third invitation in the window, making no account; existing accounts and administrators pass", async () => {
    const add = (who: string, username: string) => t.call(who, "POST", "/api/sites/sam/members", { username });
    expect((await add("sam", "newcomer1")).statusCode).toBe(201);
    expect((await add("sam", "newcomer2")).statusCode).toBe(201);

    const refused = await add("sam", "newcomer3");
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error).toMatchObject({ code: "ACCOUNT_RATE_LIMITED", details: { limit: "invitations" } });
    expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
    expect(await t.services.repositories.users.findByUsername("newcomer3")).toBeNull();
    const members = (await t.call("sam", "GET", "/api/sites/sam/members")).json().members;
    expect(members.map((member: { username: string }) => member.username)).not.toContain("newcomer3");

    // adding someone who has an account invites nobody
    expect((await add("sam", "tina")).statusCode).toBe(201);
    for (const username of ["newcomer3", "newcomer4", "newcomer5"]) {
      expect((await add("admin", username)).statusCode).toBe(201);
    }
  });
});
