/**
 * Alerts about custom domains against a real PostgreSQL and the real mail outbox: a failure and a certificate near its
 * end are logged and mailed to administrators once each; a success or a new certificate makes the next one news.
 */
import { repositoriesOn } from "@director/db/unit-of-work";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";
import { DomainAlerts } from "./domain-alerts.js";

const dayMs = 24 * 60 * 60 * 1000;

describe("DomainAlerts", () => {
  let t: ManagerTestApp;
  let alerts: DomainAlerts;
  const logged: string[] = [];
  const now = new Date("2027-03-01T08:00:00Z");
  const mails = () =>
    t.database.db.selectFrom("mail_outbox").select(["recipients", "subject", "body"]).orderBy("id").execute();
  const idOf = async (domain: string) =>
    (await t.database.db.selectFrom("site_domains").select("id").where("domain", "=", domain).executeTakeFirstOrThrow())
      .id;

  beforeAll(async () => {
    t = await startManagerTestApp();
    const admin = await t.addUser("root", { isSuperuser: true, email: "root@school.test" });
    await t.addUser("other-admin", { isSuperuser: true, email: "it@school.test" });
    await t.addUser("student", { email: "student@school.test" });
    await t.services.sites.create(admin, { name: "club", type: "static", purpose: "project", description: "" });
    const site = await t.database.db
      .selectFrom("sites")
      .select("id")
      .where("name", "=", "club")
      .executeTakeFirstOrThrow();
    await t.database.db
      .insertInto("site_domains")
      .values([
        { site_id: site.id, domain: "broken.example", status: "waiting_dns" },
        {
          site_id: site.id,
          domain: "ending.example",
          status: "active",
          certificate_not_after: new Date(now.getTime() + 60 * dayMs),
        },
      ])
      .execute();
    const repositories = repositoriesOn(t.database.db);
    const note = (level: string) => (fields: object, message: string) => {
      logged.push(`${level} ${message} ${JSON.stringify(fields)}`);
    };
    alerts = new DomainAlerts({
      domains: repositories.siteDomains,
      users: repositories.users,
      outbox: repositories.mailOutbox,
      mailWakeup: new InProcessWakeup(),
      log: { warn: note("warn"), error: note("error") } as never,
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it("says nothing while every domain is fine", async () => {
    expect(await alerts.run(now)).toBe(0);
    expect(await mails()).toEqual([]);
  });

  it("mails administrators once about a domain that failed, with its reason, and logs it", async () => {
    const domains = repositoriesOn(t.database.db).siteDomains;
    await domains.recordProgress(await idOf("broken.example"), {
      status: "failed",
      statusMessage: "No certificate yet: the certificate authority could not fetch the challenge (403).",
      failures: 1,
      nextAttemptAt: null,
    });
    expect(await alerts.run(now)).toBe(1);
    expect(await alerts.run(now)).toBe(0);
    const [mail] = await mails();
    expect(mail?.recipients).toEqual(["it@school.test", "root@school.test"]);
    expect(mail?.subject).toBe("Director: 1 custom domain(s) have no certificate");
    expect(mail?.body).toContain("- broken.example (site club): No certificate yet: the certificate authority");
    expect(logged.at(-1)).toMatch(/^warn a custom domain has no certificate .*broken\.example/);

    // Another failure in the same streak is not news; after a success, a new failure is.
    await domains.recordProgress(await idOf("broken.example"), {
      status: "failed",
      statusMessage: "No certificate yet: again.",
      failures: 2,
      nextAttemptAt: null,
    });
    expect(await alerts.run(now)).toBe(0);
    await domains.recordProgress(await idOf("broken.example"), {
      status: "active",
      statusMessage: "",
      certificateNotAfter: new Date(now.getTime() + 90 * dayMs),
      failures: 0,
      nextAttemptAt: null,
    });
    await domains.recordProgress(await idOf("broken.example"), {
      status: "failed",
      statusMessage: "No certificate yet: later.",
      failures: 1,
      nextAttemptAt: null,
    });
    expect(await alerts.run(now)).toBe(1);
    expect(await mails()).toHaveLength(2);
  });

  it("mails once about a certificate within 14 days of its end, and again only for a later certificate", async () => {
    const domains = repositoriesOn(t.database.db).siteDomains;
    const id = await idOf("ending.example");
    // 15 days before its end: not yet.
    expect(await alerts.run(new Date(now.getTime() + 45 * dayMs))).toBe(0);
    const late = new Date(now.getTime() + 50 * dayMs);
    await domains.recordProgress(id, {
      status: "active",
      statusMessage: "Renewing its certificate failed: the certificate authority is rate limiting.",
      failures: 3,
      nextAttemptAt: null,
    });
    expect(await alerts.run(late)).toBe(1);
    expect(await alerts.run(late)).toBe(0);
    const mail = (await mails()).at(-1);
    expect(mail?.subject).toBe("Director: 1 certificate(s) end within 14 days");
    expect(mail?.body).toContain("- ending.example (site club): ends 2027-04-30T08:00:00.000Z, in 10 day(s).");
    expect(mail?.body).toContain("rate limiting");
    expect(logged.at(-1)).toMatch(/^error a custom domain's certificate ends soon/);

    // Renewed at last: the new certificate's end is far; when it nears, that is news again.
    const renewedUntil = new Date(late.getTime() + 90 * dayMs);
    await domains.recordProgress(id, {
      status: "active",
      statusMessage: "",
      certificateNotAfter: renewedUntil,
      failures: 0,
      nextAttemptAt: null,
    });
    expect(await alerts.run(late)).toBe(0);
    expect(await alerts.run(new Date(renewedUntil.getTime() - 5 * dayMs))).toBe(1);
  });
});
