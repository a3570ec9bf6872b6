import type { SiteRecord } from "@director/domain/site";
import { createTestSite, createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends, truncateAllTables } from "@director/testing/test-databases";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OperationOutboxRepository } from "./operation-outbox.repository.js";
import { OperationsRepository } from "./operations.repository.js";

describe.each(testBackends)("OperationOutboxRepository on $name", (backend) => {
  let database: TestDatabase;
  let operations: OperationsRepository;
  let outbox: OperationOutboxRepository;

  beforeAll(async () => {
    database = await backend.open();
    operations = new OperationsRepository(database.db);
    outbox = new OperationOutboxRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function queue(createdBy: number | null, site?: SiteRecord): Promise<number> {
    const target = site ?? (await createTestSite(database.db));
    const operation = await operations.create({
      siteId: target.id,
      siteName: target.name,
      kind: "restart_site",
      createdBy,
      steps: [{ slug: "restart_service", name: "Restart" }],
    });
    return operation.id;
  }

  const publishAll = (room: number, republishAfterMs = 60_000) =>
    outbox.publishDue({ room: async () => room, republishAfterMs }, async (ids) => ids);

  it("hands out ids by their creator's turn: everyone's first before anyone's second", async () => {
    const [ada, bo] = [await createTestUser(database.db), await createTestUser(database.db)];
    const ada1 = await queue(ada.id);
    const ada2 = await queue(ada.id);
    const ada3 = await queue(ada.id);
    const bo1 = await queue(bo.id);
    const system1 = await queue(null);
    expect((await publishAll(2)).published).toEqual([ada1, bo1]);
    // those two count as turns taken: ada's next is her third turn, after the system's first
    expect((await publishAll(10)).published).toEqual([system1, ada2, ada3]);
    expect(await outbox.counts()).toEqual({ unpublished: 0, published: 5 });
    expect((await publishAll(10)).published).toEqual([]);
    const bo2 = await queue(bo.id);
    const ada4 = await queue(ada.id);
    expect((await publishAll(1)).published).toEqual([bo2]);
    expect((await publishAll(1)).published).toEqual([ada4]);
  });

  it("records nothing when the room is gone or the broker refused, and sends again what no worker holds", async () => {
    const user = await createTestUser(database.db);
    const pending = await queue(user.id);
    const held = await queue(user.id);
    expect((await publishAll(0)).published).toEqual([]);
    await expect(
      outbox.publishDue({ room: async () => 5, republishAfterMs: 0 }, async () => {
        throw new Error("broker away");
      }),
    ).rejects.toThrow("broker away");
    expect(await outbox.counts()).toEqual({ unpublished: 2, published: 0 });
    expect((await publishAll(5)).published).toEqual([pending, held]);

    await operations.claimById(held, { owner: "worker-a", leaseMs: 60_000 });
    // sent long enough ago (0 ms here): the pending one is sent again, the held one is not
    expect((await publishAll(5, 0)).published).toEqual([pending]);
    await operations.claimById(pending, { owner: "worker-a", leaseMs: 0 }); // its worker's lease ran out
    await operations.renewLease({ id: held, owner: "worker-a", leaseMs: 0 });
    expect((await publishAll(5, 0)).published.sort()).toEqual([pending, held].sort());

    await operations.finish(held, { status: "succeeded", error: null });
    expect(await outbox.counts()).toEqual({ unpublished: 0, published: 1 });
    const rows = await database.db.selectFrom("operation_outbox").select(["operation_id", "publications"]).execute();
    expect(rows).toEqual([{ operation_id: pending, publications: 3 }]);
  });

  it("claims by id only what is runnable, and says why not", async () => {
    const id = await queue(null);
    expect((await operations.claimById(id, { owner: "a", leaseMs: 60_000 })).outcome).toBe("claimed");
    const held = await operations.claimById(id, { owner: "b", leaseMs: 60_000 });
    expect(held.outcome).toBe("held");
    await operations.finish(id, { status: "failed", error: "no" });
    expect((await operations.claimById(id, { owner: "b", leaseMs: 60_000 })).outcome).toBe("finished");
    expect((await operations.claimById(987_654, { owner: "b", leaseMs: 60_000 })).outcome).toBe("missing");
    // a retried operation goes back to the outbox
    await operations.requeueFailed(id);
    expect(await outbox.counts()).toEqual({ unpublished: 1, published: 0 });
  });
});
