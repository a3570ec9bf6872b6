import type { SiteRecord } from "@director/domain/site";
import { createTestSite, createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends, truncateAllTables } from "@director/testing/test-databases";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDatabase } from "./database.js";
import { OperationsRepository } from "./operations.repository.js";

const steps = [
  { slug: "files", name: "Create the site's files" },
  { slug: "proxy", name: "Configure the web server" },
];

describe.each(testBackends)("OperationsRepository on $name", (backend) => {
  let database: TestDatabase;
  let operations: OperationsRepository;
  let site: SiteRecord;

  beforeAll(async () => {
    database = await backend.open();
    operations = new OperationsRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
    site = await createTestSite(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  const queue = (target: SiteRecord = site, kind = "create_site") =>
    operations.create({ siteId: target.id, siteName: target.name, kind, createdBy: null, steps });

  it("requeues a failed operation from its failed step, keeping the steps that succeeded", async () => {
    const threeSteps = [...steps, { slug: "route", name: "Route it" }];
    const failed = await operations.create({
      siteId: site.id,
      siteName: site.name,
      kind: "create_site",
      createdBy: null,
      steps: threeSteps,
    });
    await operations.startStep(failed.id, 0);
    await operations.finishStep(failed.id, 0, { status: "succeeded", message: "" });
    await operations.startStep(failed.id, 1);
    await operations.startStep(failed.id, 1);
    await operations.finishStep(failed.id, 1, { status: "failed", message: "nginx said no" });
    await operations.finish(failed.id, { status: "failed", error: "Configure the web server failed" });

    const requeued = await operations.requeueFailed(failed.id);
    expect(requeued).toMatchObject({ status: "pending", error: null, finishedAt: null });
    expect(requeued.steps.map((step) => [step.slug, step.status, step.attempts])).toEqual([
      ["files", "succeeded", 1],
      ["proxy", "pending", 0],
      ["route", "pending", 0],
    ]);
    expect(await operations.findActiveForSite(site.id)).toEqual(requeued);
    // only a failed operation can be retried
    await expect(operations.requeueFailed(failed.id)).rejects.toMatchObject({ code: "OPERATION_NOT_RETRYABLE" });
    await expect(operations.requeueFailed(987_654)).rejects.toMatchObject({ code: "OPERATION_NOT_FOUND" });

    // one unfinished operation per site: a second failed one waits until the first has ended
    const other = await createTestSite(database.db);
    const first = await queue(other);
    await operations.finish(first.id, { status: "failed", error: "x" });
    await queue(other, "restart_site");
    await expect(operations.requeueFailed(first.id)).rejects.toMatchObject({ code: "SITE_BUSY" });
    expect((await operations.findById(first.id))?.status).toBe("failed");

    const page = await operations.listPage({ status: "failed", limit: 10, offset: 0 });
    expect(page.operations.map((operation) => operation.id)).toEqual([first.id]);
    expect(page.total).toBe(1);
    expect((await operations.listPage({ status: "all", limit: 2, offset: 0 })).total).toBe(3);
  });

  it("creates a pending operation with its steps in order and finds it", async () => {
    const user = await createTestUser(database.db);
    const created = await operations.create({
      siteId: site.id,
      siteName: site.name,
      kind: "create_site",
      createdBy: user.id,
      steps,
    });
    expect(created).toMatchObject({
      siteId: site.id,
      siteName: site.name,
      kind: "create_site",
      status: "pending",
      createdBy: user.id,
      startedAt: null,
      finishedAt: null,
      error: null,
      leaseOwner: null,
    });
    expect(created.steps.map((step) => [step.position, step.slug, step.status, step.attempts, step.message])).toEqual([
      [0, "files", "pending", 0, ""],
      [1, "proxy", "pending", 0, ""],
    ]);
    expect(await operations.findById(created.id)).toEqual(created);
    expect(await operations.findActiveForSite(site.id)).toEqual(created);
    expect(await operations.findById(123_456)).toBeNull();
  });

  it("refuses a second operation with SITE_BUSY while one is pending or running, and allows it after finish", async () => {
    const first = await queue();
    await expect(queue(site, "delete_site")).rejects.toMatchObject({ code: "SITE_BUSY" });
    await operations.claimNext({ owner: "w1", leaseMs: 60_000 });
    await expect(queue(site, "delete_site")).rejects.toMatchObject({ code: "SITE_BUSY" });

    await operations.finish(first.id, { status: "failed", error: "boom" });
    const second = await queue(site, "delete_site");
    expect(second.status).toBe("pending");
    expect((await operations.findLatestForSite(site.id))?.id).toBe(second.id);
    const other = await createTestSite(database.db);
    await expect(queue(other)).resolves.toMatchObject({ siteId: other.id }); // the lock is per site
  });

  it("records a finished operation and releases its lease", async () => {
    const created = await queue();
    const claimed = await operations.claimNext({ owner: "w1", leaseMs: 60_000 });
    expect(claimed).toMatchObject({ id: created.id, status: "running", leaseOwner: "w1" });
    expect(claimed?.startedAt).toBeInstanceOf(Date);
    expect(claimed?.leaseExpiresAt?.getTime()).toBeGreaterThan(Date.now());

    await operations.finish(created.id, { status: "succeeded", error: null });
    const finished = await operations.findById(created.id);
    expect(finished).toMatchObject({ status: "succeeded", leaseOwner: null, leaseExpiresAt: null, error: null });
    expect(finished?.finishedAt).toBeInstanceOf(Date);
    expect(await operations.findActiveForSite(site.id)).toBeNull();
    expect(await operations.claimNext({ owner: "w2", leaseMs: 60_000 })).toBeNull();
  });

  it("claims the oldest pending operation first", async () => {
    const other = await createTestSite(database.db);
    const older = await queue(site);
    await queue(other);
    expect((await operations.claimNext({ owner: "w1", leaseMs: 60_000 }))?.id).toBe(older.id);
  });

  it("never hands one operation to two concurrent claimers", async () => {
    const count = 12;
    const created: number[] = [];
    for (let index = 0; index < count; index++) {
      created.push((await queue(await createTestSite(database.db))).id);
    }
    // Two pools, like two worker processes, each firing claims in parallel.
    const otherPool = createDatabase(database.url, { maxConnections: 4 });
    try {
      const workerA = new OperationsRepository(database.db);
      const workerB = new OperationsRepository(otherPool);
      const claims = await Promise.all(
        Array.from({ length: count + 4 }, (_, index) =>
          index % 2 === 0
            ? workerA.claimNext({ owner: "a", leaseMs: 60_000 })
            : workerB.claimNext({ owner: "b", leaseMs: 60_000 }),
        ),
      );
      const claimedIds = claims.flatMap((claim) => (claim ? [claim.id] : []));
      expect(new Set(claimedIds).size).toBe(claimedIds.length);
      // SKIP LOCKED may make a claimer come back empty while another holds the row lock; the rest stay pending.
      const pendingIds = (
        await database.db.selectFrom("operations").select("id").where("status", "=", "pending").execute()
      ).map((row) => row.id);
      expect([...claimedIds, ...pendingIds].sort((a, b) => a - b)).toEqual(created);
      expect(claimedIds.length).toBeGreaterThan(0);
    } finally {
      await otherPool.destroy();
    }
  });

  it("lets another worker take an operation whose lease expired; the old owner then cannot renew", async () => {
    const created = await queue();
    expect((await operations.claimNext({ owner: "dead", leaseMs: 1 }))?.id).toBe(created.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const taken = await operations.claimNext({ owner: "alive", leaseMs: 60_000 });
    expect(taken).toMatchObject({ id: created.id, leaseOwner: "alive", status: "running" });
    expect(await operations.renewLease({ id: created.id, owner: "dead", leaseMs: 60_000 })).toBe(false);
    expect(await operations.renewLease({ id: created.id, owner: "alive", leaseMs: 60_000 })).toBe(true);
    expect(await operations.claimNext({ owner: "third", leaseMs: 60_000 })).toBeNull();
  });

  it("hands an operation back at once with a zero lease, keeping its first start time", async () => {
    const created = await queue();
    const first = await operations.claimNext({ owner: "stopping", leaseMs: 60_000 });
    expect(await operations.renewLease({ id: created.id, owner: "stopping", leaseMs: 0 })).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await operations.claimNext({ owner: "next", leaseMs: 60_000 });
    expect(again).toMatchObject({ id: created.id, leaseOwner: "next" });
    expect(again?.startedAt).toEqual(first?.startedAt);
  });

  it("refuses to renew a finished operation's lease", async () => {
    const created = await queue();
    await operations.claimNext({ owner: "w1", leaseMs: 60_000 });
    await operations.finish(created.id, { status: "succeeded", error: null });
    expect(await operations.renewLease({ id: created.id, owner: "w1", leaseMs: 60_000 })).toBe(false);
  });

  it("tracks a step through attempts, retry messages and completion", async () => {
    const created = await queue();
    await operations.startStep(created.id, 0);
    let step = (await operations.findById(created.id))?.steps[0];
    expect(step).toMatchObject({ status: "running", attempts: 1, finishedAt: null });
    const firstStart = step?.startedAt;
    expect(firstStart).toBeInstanceOf(Date);

    await operations.finishStep(created.id, 0, { status: "running", message: "Attempt 1 failed" });
    await operations.startStep(created.id, 0);
    await operations.appendStepMessage(created.id, 0, "copied 3 files");
    step = (await operations.findById(created.id))?.steps[0];
    expect(step).toMatchObject({ status: "running", attempts: 2, message: "Attempt 1 failed\ncopied 3 files" });
    expect(step?.startedAt).toEqual(firstStart);

    await operations.finishStep(created.id, 0, { status: "succeeded", message: "" });
    await operations.appendStepMessage(created.id, 1, "first line");
    const [done, next] = (await operations.findById(created.id))?.steps ?? [];
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, message: "" });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(next).toMatchObject({ status: "pending", attempts: 0, message: "first line" });
  });

  it("lists recent operations newest first with their steps", async () => {
    const first = await queue();
    await operations.finish(first.id, { status: "succeeded", error: null });
    const second = await queue(site, "delete_site");
    const recent = await operations.listRecent(10);
    expect(recent.map((operation) => operation.id)).toEqual([second.id, first.id]);
    expect(recent.every((operation) => operation.steps.length === steps.length)).toBe(true);
    expect(await operations.listRecent(1)).toHaveLength(1);
  });

  it("raises SITE_BUSY inside a caller's transaction too", async () => {
    await queue();
    await expect(
      database.db
        .transaction()
        .execute((trx) =>
          operations.create({ siteId: site.id, siteName: site.name, kind: "delete_site", createdBy: null, steps }, trx),
        ),
    ).rejects.toMatchObject({ code: "SITE_BUSY" });
  });

  describe("queueOrJoin", () => {
    type Input = Record<string, unknown> | null;
    const join = (pending: Input) => ({ added: [...((pending?.added as string[]) ?? []), "b.example"] });
    const queueOrJoin = (
      repository: OperationsRepository,
      trx: Parameters<typeof operations.create>[1],
      kind = "update_domains",
    ) =>
      repository.queueOrJoin(
        { siteId: site.id, siteName: site.name, kind, createdBy: null, steps, input: { added: ["a.example"] } },
        join,
        trx,
      );

    it("queues, then joins the pending operation of the same kind, merging its input", async () => {
      const first = await database.db.transaction().execute((trx) => queueOrJoin(operations, trx));
      const second = await database.db.transaction().execute((trx) => queueOrJoin(operations, trx));
      expect(second?.id).toBe(first?.id);
      expect((await operations.findById(first?.id ?? 0))?.input).toEqual({ added: ["a.example", "b.example"] });
      await expect(queueOrJoin(operations, database.db)).rejects.toThrow(/transaction/);
    });

    it("answers null, changing nothing, when the site runs it already or is busy with another kind", async () => {
      const first = await queue(site, "restart_site");
      expect(await database.db.transaction().execute((trx) => queueOrJoin(operations, trx))).toBeNull();
      await operations.finish(first.id, { status: "succeeded", error: null });
      const pending = await database.db.transaction().execute((trx) => queueOrJoin(operations, trx));
      await operations.claimNext({ owner: "w1", leaseMs: 60_000 });
      expect(await database.db.transaction().execute((trx) => queueOrJoin(operations, trx))).toBeNull();
      expect((await operations.findById(pending?.id ?? 0))?.input).toEqual({ added: ["a.example"] });
    });

    it("answers null when another transaction queued first, and leaves the caller's transaction usable", async () => {
      const otherPool = createDatabase(database.url, { maxConnections: 2 });
      try {
        let releaseFirst: () => void = () => {};
        const firstMayCommit = new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
        let firstQueued: () => void = () => {};
        const firstHasQueued = new Promise<void>((resolve) => {
          firstQueued = resolve;
        });
        const first = database.db.transaction().execute(async (trx) => {
          const queued = await queueOrJoin(operations, trx);
          firstQueued();
          await firstMayCommit;
          return queued;
        });
        await firstHasQueued;
        // The second sees no committed operation, and its insert waits on the first's index entry.
        const second = otherPool.transaction().execute(async (trx) => {
          const queued = await queueOrJoin(new OperationsRepository(otherPool), trx, "delete_site");
          const still = await trx.selectFrom("sites").select("id").where("id", "=", site.id).executeTakeFirst();
          return { queued, still };
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        releaseFirst();
        expect((await first)?.kind).toBe("update_domains");
        expect(await second).toEqual({ queued: null, still: { id: site.id } });
        expect((await operations.findActiveForSite(site.id))?.kind).toBe("update_domains");
      } finally {
        await otherPool.destroy();
      }
    });
  });
});
