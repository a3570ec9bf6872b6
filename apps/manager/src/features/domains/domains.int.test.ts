/**
 * Sites' own domains through the HTTP edge against a real PostgreSQL: who may add which domain, what a refusal
 * leaves behind (nothing), one domain per site at most, and the site row following its domains.
 */
import { occupyTestSite } from "@director/testing/db-factories";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp, testManagerConfig } from "../../testing/test-app.js";

const config = testManagerConfig({
  sites: { domain: "sites.school.test" },
  domains: {
    perSite: 3,
    publicHost: "director.school.test",
    reserved: ["school.test"],
    blocked: ["bank.test"],
    publicAddresses: ["203.0.113.10", "2001:db8::10"],
  },
});

describe("site domains", () => {
  let t: ManagerTestApp;
  const rows = () =>
    t.database.db.selectFrom("site_domains").select(["site_id", "domain", "status"]).orderBy("domain").execute();
  const siteDomains = async (name: string) =>
    (
      await t.database.db
        .selectFrom("sites")
        .select(["domains", "https_domains"])
        .where("name", "=", name)
        .executeTakeFirstOrThrow()
    ).domains;
  const audits = async () =>
    (await t.database.db.selectFrom("audit_events").select(["action", "details"]).orderBy("id").execute()).filter(
      (event) => event.action.endsWith("_domain"),
    );
  /** The worker does not run here: an operation queued by a change is marked done, as the worker would. */
  const settle = () => t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();

  beforeAll(async () => {
    t = await startManagerTestApp({ config });
    const admin = await t.addUser("admin", { isSuperuser: true });
    await t.addUser("alice");
    await t.addUser("bob");
    await t.addUser("mallory");
    for (const name of ["club", "band", "office"]) {
      await t.services.sites.create(admin, { name, type: "static", purpose: "project", description: "" });
    }
    await settle();
    await t.services.members.add(admin, "club", "alice");
    await t.services.members.add(admin, "band", "bob");
  });

  beforeEach(settle);

  afterAll(async () => {
    await t?.close();
  });

  it("lets a member add a domain: normalised, waiting for DNS, with the records to create and its operation", async () => {
    const added = await t.call("alice", "POST", "/api/sites/club/domains", { domain: "WWW.Chess-Club.example." });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      domain: {
        domain: "www.chess-club.example",
        displayName: "www.chess-club.example",
        status: "waiting_dns",
        certificateExpiresAt: null,
        dnsRecords: [
          { type: "A", name: "www.chess-club.example", value: "203.0.113.10" },
          { type: "AAAA", name: "www.chess-club.example", value: "2001:db8::10" },
        ],
        url: "http://www.chess-club.example/",
      },
      operation: { kind: "update_domains", status: "pending" },
    });
    expect(await siteDomains("club")).toEqual(["www.chess-club.example"]);
    const listed = await t.call("alice", "GET", "/api/sites/club/domains");
    expect(listed.json().domains.map((d: { domain: string }) => d.domain)).toEqual(["www.chess-club.example"]);
    expect(await audits()).toEqual([{ action: "site.add_domain", details: { domain: "www.chess-club.example" } }]);
  });

  it("stores a non-ASCII domain as punycode and shows it in its own script", async () => {
    const added = await t.call("alice", "POST", "/api/sites/club/domains", { domain: "schach.münchen.example" });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().domain).toMatchObject({
      domain: "schach.xn--mnchen-3ya.example",
      displayName: "schach.münchen.example",
    });
  });

  it("refuses a domain another site has, with 409, whatever the case or trailing dot", async () => {
    const before = await rows();
    for (const domain of ["www.chess-club.example", "WWW.CHESS-CLUB.EXAMPLE."]) {
      const taken = await t.call("bob", "POST", "/api/sites/band/domains", { domain });
      expect(taken.statusCode, taken.body).toBe(409);
      expect(taken.json().error.code).toBe("DOMAIN_TAKEN");
    }
    // The site that has it gets the same answer.
    expect(
      (await t.call("alice", "POST", "/api/sites/club/domains", { domain: "www.chess-club.example" })).statusCode,
    ).toBe(409);
    expect(await rows()).toEqual(before);
    expect(await siteDomains("band")).toEqual([]);
  });

  it.each([
    ["an IP address", "192.0.2.1", 400, "DOMAIN_INVALID"],
    ["an IPv6 literal", "[2001:db8::1]", 400, "DOMAIN_INVALID"],
    ["a wildcard", "*.chess.example", 400, "DOMAIN_INVALID"],
    ["localhost", "localhost", 400, "DOMAIN_INVALID"],
    ["a name under localhost", "club.localhost", 400, "DOMAIN_INVALID"],
    ["a single label", "intranet", 400, "DOMAIN_INVALID"],
    ["two trailing dots", "chess.example..", 400, "DOMAIN_INVALID"],
    ["a label of 64 characters", `${"a".repeat(64)}.example`, 400, "DOMAIN_INVALID"],
    ["a URL", "https://chess.example/", 400, "DOMAIN_INVALID"],
    ["nginx syntax", "chess.example; return 200", 400, "DOMAIN_INVALID"],
    ["an empty string", "", 400, "DOMAIN_INVALID"],
    ["the sites domain", "sites.school.test", 403, "DOMAIN_RESERVED"],
    ["another site's address", "band.sites.school.test", 403, "DOMAIN_RESERVED"],
    ["Director's own host", "director.school.test", 403, "DOMAIN_RESERVED"],
    ["the institution's reserved zone", "www.school.test", 403, "DOMAIN_RESERVED"],
    ["a blocked domain", "login.bank.test", 403, "DOMAIN_BLOCKED"],
  ])("refuses %s (%s) with %i %s and writes nothing", async (_label, domain, status, code) => {
    const before = { rows: await rows(), audits: await audits(), operations: await countOperations() };
    const refused = await t.call("alice", "POST", "/api/sites/club/domains", { domain });
    expect(refused.statusCode, refused.body).toBe(status);
    expect(refused.json().error.code).toBe(code);
    expect({ rows: await rows(), audits: await audits(), operations: await countOperations() }).toEqual(before);
  });

  it("refuses a body that is not one domain, with 400", async () => {
    for (const body of [{}, { domain: 42 }, { domain: "a.example", extra: true }, { domain: "x".repeat(301) }]) {
      const refused = await t.call("alice", "POST", "/api/sites/club/domains", body);
      expect(refused.statusCode, refused.body).toBe(400);
    }
  });

  it("lets an administrator give a reserved domain, never a blocked one", async () => {
    const reserved = await t.call("admin", "POST", "/api/sites/office/domains", { domain: "www.school.test" });
    expect(reserved.statusCode, reserved.body).toBe(201);
    await settle();
    const blocked = await t.call("admin", "POST", "/api/sites/office/domains", { domain: "bank.test" });
    expect(blocked.json().error.code).toBe("DOMAIN_BLOCKED");
  });

  it("answers a site the caller cannot see as not found, and one they only see as forbidden", async () => {
    const hidden = await t.call("mallory", "POST", "/api/sites/club/domains", { domain: "mine.example" });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe("SITE_NOT_FOUND");
    expect((await t.call("mallory", "GET", "/api/sites/club/domains")).statusCode).toBe(404);
    expect((await t.call("mallory", "DELETE", "/api/sites/club/domains/www.chess-club.example")).statusCode).toBe(404);
    expect(await siteDomains("club")).toContain("www.chess-club.example");
  });

  it("holds a site to its number of domains", async () => {
    // club has 2; the limit is 3.
    expect((await t.call("alice", "POST", "/api/sites/club/domains", { domain: "third.example" })).statusCode).toBe(
      201,
    );
    await settle();
    const fourth = await t.call("alice", "POST", "/api/sites/club/domains", { domain: "fourth.example" });
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().error.code).toBe("DOMAIN_LIMIT_REACHED");
    expect(await siteDomains("club")).toHaveLength(3);
  });

  it("joins changes made while the site's domain operation waits into that operation", async () => {
    const removed = await t.call("alice", "DELETE", "/api/sites/club/domains/third.example");
    expect(removed.statusCode, removed.body).toBe(202);
    // Its operation is still pending: the next change joins it instead of finding the site busy.
    const added = await t.call("alice", "POST", "/api/sites/club/domains", { domain: "quick.example" });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().operation.id).toBe(removed.json().operation.id);
    const again = await t.call("alice", "DELETE", "/api/sites/club/domains/quick.example");
    expect(again.json().operation.id).toBe(removed.json().operation.id);
    const operation = await t.database.db
      .selectFrom("operations")
      .select(["input", "status"])
      .where("id", "=", removed.json().operation.id)
      .executeTakeFirstOrThrow();
    expect(operation).toEqual({
      status: "pending",
      input: { added: ["quick.example"], removed: ["third.example", "quick.example"] },
    });
    expect(await siteDomains("club")).not.toContain("quick.example");
  });

  it("takes changes while the site runs another operation: the domain added, or marked as being removed", async () => {
    await occupyTestSite(t.database.db, "club");
    // Added, without an operation of its own: the certificate operation that follows its DNS serves it.
    const added = await t.call("alice", "POST", "/api/sites/club/domains", { domain: "busy.example" });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ domain: { domain: "busy.example", status: "waiting_dns" }, operation: null });
    expect(await siteDomains("club")).toContain("busy.example");
    // Taken off while the site is busy: no longer served, kept as "removing" until its operation can be queued.
    const removing = await t.call("alice", "DELETE", "/api/sites/club/domains/busy.example");
    expect(removing.statusCode, removing.body).toBe(202);
    expect(removing.json()).toEqual({ operation: null });
    expect(await siteDomains("club")).not.toContain("busy.example");
    const listed = (await t.call("alice", "GET", "/api/sites/club/domains")).json().domains;
    expect(listed.find((d: { domain: string }) => d.domain === "busy.example")).toMatchObject({ status: "removing" });
    // Asked again: nothing more to do. Retried: nothing to retry.
    expect((await t.call("alice", "DELETE", "/api/sites/club/domains/busy.example")).statusCode).toBe(202);
    const retried = await t.call("alice", "POST", "/api/sites/club/domains/busy.example/retry");
    expect(retried.json().domain).toMatchObject({ status: "removing" });
    // The domain checker queues its operation once the site is free (domain-checker.int.test.ts); here, by hand.
    await t.database.db.deleteFrom("site_domains").where("domain", "=", "busy.example").execute();
    await settle();
  });

  it("takes a domain off the site; another site may then have it", async () => {
    const removed = await t.call("alice", "DELETE", "/api/sites/club/domains/WWW.chess-club.example");
    expect(removed.statusCode, removed.body).toBe(202);
    expect(removed.json().operation).toMatchObject({ kind: "update_domains" });
    expect(await siteDomains("club")).toEqual(["schach.xn--mnchen-3ya.example"]);
    const again = await t.call("alice", "DELETE", "/api/sites/club/domains/www.chess-club.example");
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe("DOMAIN_NOT_FOUND");
    expect((await t.call("alice", "DELETE", "/api/sites/club/domains/not..a..domain")).statusCode).toBe(404);
    await settle();
    expect(
      (await t.call("bob", "POST", "/api/sites/band/domains", { domain: "www.chess-club.example" })).statusCode,
    ).toBe(201);
  });

  it("checks a waiting domain again on request, and says so", async () => {
    const retried = await t.call("alice", "POST", "/api/sites/club/domains/schach.münchen.example/retry");
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().domain).toMatchObject({ status: "waiting_dns", statusMessage: "Checking again now." });
  });

  it("shows administrators every site's domains, and nobody else", async () => {
    const all = await t.call("admin", "GET", "/api/admin/domains");
    expect(all.statusCode).toBe(200);
    expect(all.json().domains.map((d: { site: string; domain: string }) => `${d.site} ${d.domain}`)).toEqual([
      "club schach.xn--mnchen-3ya.example",
      "band www.chess-club.example",
      "office www.school.test",
    ]);
    expect((await t.call("alice", "GET", "/api/admin/domains")).statusCode).toBe(403);
  });

  it("forgets a deleted site's domains with it", async () => {
    await t.database.db.deleteFrom("sites").where("name", "=", "band").execute();
    expect((await rows()).map((row) => row.domain)).not.toContain("www.chess-club.example");
  });

  async function countOperations(): Promise<number> {
    const { count } = await t.database.db
      .selectFrom("operations")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
});
