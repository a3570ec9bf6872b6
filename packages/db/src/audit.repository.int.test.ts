import { createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRepository } from "./audit.repository.js";

describe.each(testBackends)("AuditRepository on $name", (backend) => {
  let database: TestDatabase;
  let audit: AuditRepository;

  beforeAll(async () => {
    database = await backend.open();
    audit = new AuditRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("records events with JSON details and lists the newest first", async () => {
    const actor = await createTestUser(database.db);
    await audit.record({ actorUserId: actor.id, action: "site.create", target: "site:one", details: { n: 1 } });
    await audit.record({ actorUserId: null, action: "auth.login_failed", target: "user:x", details: {} });
    const [newest, older] = await audit.listRecent(2);
    expect(newest).toMatchObject({ actorUserId: null, action: "auth.login_failed", target: "user:x", details: {} });
    expect(older).toMatchObject({ actorUserId: actor.id, action: "site.create", details: { n: 1 } });
    expect(older?.at).toBeInstanceOf(Date);
  });

  it("keeps events when their actor is deleted", async () => {
    const actor = await createTestUser(database.db);
    await audit.record({
      actorUserId: actor.id,
      action: "user.delete_me",
      target: `user:${actor.username}`,
      details: {},
    });
    await database.db.deleteFrom("users").where("id", "=", actor.id).execute();
    const [event] = await audit.listRecent(1);
    expect(event).toMatchObject({ actorUserId: null, action: "user.delete_me" });
  });
});
