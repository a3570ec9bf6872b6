import { type TestDatabase, testBackends, truncateAllTables } from "@director/testing/test-databases";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MailOutboxRepository } from "./mail-outbox.repository.js";

const minute = 60_000;
const message = (subject: string) => ({ to: ["a@school.test", "b@school.test"], subject, text: `About ${subject}\n` });

describe.each(testBackends)("MailOutboxRepository on $name", (backend) => {
  let database: TestDatabase;
  let outbox: MailOutboxRepository;
  /** a moment just after anything the test enqueued (the rows' default is the database's now()) */
  let now: Date;

  beforeAll(async () => {
    database = await backend.open();
    outbox = new MailOutboxRepository(database.db);
  });
  beforeEach(async () => {
    await truncateAllTables(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  const enqueueAll = async (...subjects: string[]) => {
    const queued = [];
    for (const subject of subjects) queued.push(await outbox.enqueue(message(subject)));
    now = new Date(Date.now() + 1_000);
    return queued;
  };
  const later = (ms: number) => new Date(now.getTime() + ms);

  it("enqueues a message due at once, and only when its transaction commits", async () => {
    const [queued] = await enqueueAll("Welcome");
    expect(queued).toMatchObject({
      to: ["a@school.test", "b@school.test"],
      subject: "Welcome",
      text: "About Welcome\n",
      attempts: 0,
      sentAt: null,
      lastError: null,
      gaveUpAt: null,
    });
    expect(await outbox.findById(queued?.id ?? 0)).toEqual(queued);
    expect(queued?.nextAttemptAt.getTime()).toBeLessThanOrEqual(now.getTime());

    await expect(
      database.db.transaction().execute(async (trx) => {
        await outbox.enqueue(message("Rolled back"), trx);
        throw new Error("the change it reports failed");
      }),
    ).rejects.toThrow("the change it reports failed");
    const subjects = await database.db.selectFrom("mail_outbox").select("subject").execute();
    expect(subjects).toEqual([{ subject: "Welcome" }]);
  });

  it("claims due messages oldest first, up to the limit, and hides them for the lease", async () => {
    const [first, second, third] = await enqueueAll("one", "two", "three");
    const claimed = await outbox.claimDue({ now, limit: 2, leaseMs: 5 * minute });
    expect(claimed.map((mail) => mail.id)).toEqual([first?.id, second?.id]);
    expect(claimed[0]?.nextAttemptAt).toEqual(later(5 * minute));

    // the third is still due; the two claimed are not, until their lease ends (as when their dispatcher died)
    expect((await outbox.claimDue({ now, limit: 10, leaseMs: 5 * minute })).map((mail) => mail.id)).toEqual([
      third?.id,
    ]);
    expect(await outbox.claimDue({ now: later(4 * minute), limit: 10, leaseMs: minute })).toEqual([]);
    const afterLease = await outbox.claimDue({ now: later(5 * minute), limit: 10, leaseMs: minute });
    expect(afterLease.map((mail) => mail.id)).toEqual([first?.id, second?.id, third?.id]);
  });

  it("lets a second dispatcher take other messages while the first holds its claim", async () => {
    const queued = await enqueueAll("one", "two", "three", "four");
    const [byFirst, bySecond] = await database.db.transaction().execute(async (trx) => {
      const inTransaction = await outbox.claimDue({ now, limit: 2, leaseMs: minute }, trx);
      // The rows locked above are not committed yet: without SKIP LOCKED this claim would wait for the transaction
      // (forever, as the transaction waits for it); with it, it takes the two others at once.
      const outside = await outbox.claimDue({ now, limit: 10, leaseMs: minute });
      return [inTransaction, outside];
    });
    expect(byFirst.map((mail) => mail.id)).toEqual([queued[0]?.id, queued[1]?.id]);
    expect(bySecond.map((mail) => mail.id)).toEqual([queued[2]?.id, queued[3]?.id]);
  });

  it("never claims a sent message again", async () => {
    const [queued] = await enqueueAll("Sent");
    const id = queued?.id ?? 0;
    await outbox.claimDue({ now, limit: 10, leaseMs: minute });
    await outbox.markSent(id);
    const sent = await outbox.findById(id);
    expect(sent).toMatchObject({ attempts: 1, lastError: null, gaveUpAt: null });
    expect(sent?.sentAt).toBeInstanceOf(Date);
    expect(await outbox.claimDue({ now: later(24 * 60 * minute), limit: 10, leaseMs: minute })).toEqual([]);
  });

  it("records a failure with its retry time, and gives up when there is none", async () => {
    const [queued] = await enqueueAll("Retried");
    const id = queued?.id ?? 0;
    await outbox.claimDue({ now, limit: 10, leaseMs: minute });
    await outbox.markFailed(id, { error: "connection refused", nextAttemptAt: later(30_000) });
    expect(await outbox.findById(id)).toMatchObject({
      attempts: 1,
      lastError: "connection refused",
      nextAttemptAt: later(30_000),
      sentAt: null,
      gaveUpAt: null,
    });
    expect(await outbox.claimDue({ now: later(29_999), limit: 10, leaseMs: minute })).toEqual([]);
    expect((await outbox.claimDue({ now: later(30_000), limit: 10, leaseMs: minute })).map((m) => m.id)).toEqual([id]);

    await outbox.markFailed(id, { error: "still refused", nextAttemptAt: null });
    const abandoned = await outbox.findById(id);
    expect(abandoned).toMatchObject({ attempts: 2, lastError: "still refused", sentAt: null });
    expect(abandoned?.gaveUpAt).toBeInstanceOf(Date);
    expect(await outbox.claimDue({ now: later(24 * 60 * minute), limit: 10, leaseMs: minute })).toEqual([]);
  });
});
