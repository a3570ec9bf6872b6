/**
 * The domain checker against a real PostgreSQL, with its clock injected and a stub DNS resolver (the internet's DNS
 * cannot run here; the e2e test uses pebble's challtestsrv as a real one): a domain whose DNS points elsewhere waits
 * with the reason and a growing delay; one that points here gets its certificate operation; a busy site is tried again
 * seconds later; and a certificate is renewed when the clock reaches its renewal window, the domain staying active.
 */
import { repositoriesOn } from "@director/db/unit-of-work";
import type { CustomDomain } from "@director/domain/custom-domain";
import type { DnsFinding } from "@director/domain/site-domain";
import { occupyTestSite } from "@director/testing/db-factories";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainResolver } from "../../adapters/dns-domain-resolver.js";
import { InProcessWakeup } from "../../adapters/wakeup.js";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";
import { DomainChecker } from "./domain-checker.js";

const dayMs = 24 * 60 * 60 * 1000;

/** A stub DNS: answers what the test set for each name. */
class StubDomainResolver implements DomainResolver {
  readonly answers = new Map<string, DnsFinding>();
  async check(domain: string): Promise<DnsFinding> {
    return this.answers.get(domain) ?? { kind: "no_records" };
  }
}

describe("DomainChecker", () => {
  let t: ManagerTestApp;
  let now = new Date("2027-01-10T12:00:00Z");
  const resolver = new StubDomainResolver();
  let checker: DomainChecker;
  const row = (domain: string) =>
    t.database.db.selectFrom("site_domains").selectAll().where("domain", "=", domain).executeTakeFirstOrThrow();
  const operationsOf = () =>
    t.database.db
      .selectFrom("operations")
      .select(["id", "kind", "input", "status"])
      .where("site_name", "=", "club")
      .orderBy("id")
      .execute();
  const finishOperations = () => t.database.db.updateTable("operations").set({ status: "succeeded" }).execute();

  beforeAll(async () => {
    t = await startManagerTestApp();
    const admin = await t.addUser("admin", { isSuperuser: true });
    await t.services.sites.create(admin, { name: "club", type: "static", purpose: "project", description: "" });
    await finishOperations();
    const repositories = repositoriesOn(t.database.db);
    checker = new DomainChecker({
      domains: repositories.siteDomains,
      sites: repositories.sites,
      operations: repositories.operations,
      inTransaction: (work) =>
        t.services.inTransaction(({ siteDomains, operations }) => work({ domains: siteDomains, operations })),
      resolver,
      workerWakeup: new InProcessWakeup(),
      wakeup: new InProcessWakeup(),
      log: pino({ level: "silent" }),
      options: { pollIntervalMs: 60_000, batchSize: 10, leaseMs: 60_000, renewWithinDays: 30 },
      now: () => now,
    });
    await t.call("admin", "POST", "/api/sites/club/domains", { domain: "www.club.example" });
    await finishOperations();
    // The row was due when added (the database's clock); the test's clock starts after it.
    await t.database.db.updateTable("site_domains").set({ next_attempt_at: now }).execute();
  });

  afterAll(async () => {
    await t?.close();
  });

  it("keeps a domain whose DNS points elsewhere waiting, saying why, and looks again later and later", async () => {
    resolver.answers.set("www.club.example", { kind: "points_elsewhere", addresses: ["192.0.2.7"] });
    expect(await checker.checkDue()).toBe(1);
    let record = await row("www.club.example");
    expect(record).toMatchObject({ status: "waiting_dns", failures: 1 });
    expect(record.status_message).toContain("points to 192.0.2.7, not here");
    expect(record.next_attempt_at?.getTime()).toBe(now.getTime() + 30_000);
    // Not due before then.
    expect(await checker.checkDue()).toBe(0);
    now = new Date(now.getTime() + 30_000);
    expect(await checker.checkDue()).toBe(1);
    record = await row("www.club.example");
    expect(record.failures).toBe(2);
    expect(record.next_attempt_at?.getTime()).toBe(now.getTime() + 60_000);
    expect(await operationsOf()).toHaveLength(2); // create_site and the domain's update_domains only
  });

  it("tries again two seconds later when the site is busy, then queues the certificate operation", async () => {
    resolver.answers.set("www.club.example", { kind: "points_here" });
    const busyOperation = await occupyTestSite(t.database.db, "club");
    now = new Date(now.getTime() + 60_000);
    expect(await checker.checkDue()).toBe(1);
    expect(await row("www.club.example")).toMatchObject({ status: "issuing" });
    expect((await row("www.club.example")).next_attempt_at?.getTime()).toBe(now.getTime() + 2_000);
    // What the checker's pause is taken from: it comes back then, not after its whole interval.
    expect((await repositoriesOn(t.database.db).siteDomains.earliestDue())?.getTime()).toBe(now.getTime() + 2_000);

    // The operation that kept the site busy ends: the worker hands the domain back at once.
    await finishOperations();
    expect(await repositoriesOn(t.database.db).siteDomains.makeDueAfterOperation(busyOperation)).toBe(1);
    expect((await row("www.club.example")).next_attempt_at?.getTime()).toBeLessThanOrEqual(Date.now());
    now = new Date(now.getTime() + 2_000);
    expect(await checker.checkDue()).toBe(1);
    expect(await row("www.club.example")).toMatchObject({ status: "issuing", next_attempt_at: null });
    const queued = (await operationsOf()).at(-1);
    expect(queued).toMatchObject({
      kind: "issue_certificate",
      status: "pending",
      input: { domain: "www.club.example" },
    });
    const steps = await t.database.db
      .selectFrom("operation_steps")
      .select("slug")
      .where("operation_id", "=", queued?.id ?? 0)
      .orderBy("position")
      .execute();
    expect(steps.map((step) => step.slug)).toEqual(["write_balancer_config", "issue_certificate", "serve_https"]);
  });

  it("renews a certificate once the clock reaches its renewal window, and the domain stays active", async () => {
    await finishOperations();
    const notAfter = new Date(now.getTime() + 90 * dayMs);
    const record = await row("www.club.example");
    // What the certificate step records when the certificate came.
    await repositoriesOn(t.database.db).siteDomains.recordProgress(record.id, {
      status: "active",
      statusMessage: "",
      certificateNotAfter: notAfter,
      failures: 0,
      nextAttemptAt: new Date(notAfter.getTime() - 30 * dayMs),
    });
    const before = (await operationsOf()).length;
    now = new Date(notAfter.getTime() - 31 * dayMs);
    expect(await checker.checkDue()).toBe(0);
    now = new Date(notAfter.getTime() - 29 * dayMs);
    expect(await checker.checkDue()).toBe(1);
    expect(await row("www.club.example")).toMatchObject({ status: "active", certificate_not_after: notAfter });
    const operations = await operationsOf();
    expect(operations).toHaveLength(before + 1);
    expect(operations.at(-1)).toMatchObject({ kind: "issue_certificate", input: { domain: "www.club.example" } });
    const site = await t.database.db
      .selectFrom("sites")
      .select("https_domains")
      .where("name", "=", "club")
      .executeTakeFirstOrThrow();
    // Its current certificate serves on while the new one is asked for.
    expect(site.https_domains).toEqual(["www.club.example" as CustomDomain]);
  });

  it("queues the removal of a domain taken off while its site was busy once the site is free", async () => {
    await finishOperations();
    await occupyTestSite(t.database.db, "club");
    const removing = await t.call("admin", "DELETE", "/api/sites/club/domains/www.club.example");
    expect(removing.json()).toEqual({ operation: null });
    await t.database.db.updateTable("site_domains").set({ next_attempt_at: now }).execute();
    // Still busy: it waits two seconds more, as "removing".
    expect(await checker.checkDue()).toBe(1);
    expect(await row("www.club.example")).toMatchObject({ status: "removing" });
    expect((await row("www.club.example")).next_attempt_at?.getTime()).toBe(now.getTime() + 2_000);
    // What the checker's pause is taken from: it comes back then, not after its whole interval.
    expect((await repositoriesOn(t.database.db).siteDomains.earliestDue())?.getTime()).toBe(now.getTime() + 2_000);

    await finishOperations();
    now = new Date(now.getTime() + 2_000);
    expect(await checker.checkDue()).toBe(1);
    const gone = await t.database.db
      .selectFrom("site_domains")
      .select("id")
      .where("domain", "=", "www.club.example")
      .execute();
    expect(gone).toEqual([]);
    expect((await operationsOf()).at(-1)).toMatchObject({
      kind: "update_domains",
      status: "pending",
      input: { added: [], removed: ["www.club.example"] },
    });
  });
});
