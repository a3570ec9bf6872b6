import type { Username } from "@director/domain/username";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoriesOn, unitOfWork } from "./unit-of-work.js";

describe("unitOfWork (real PostgreSQL)", () => {
  let database: ServerTestDatabase;

  beforeAll(async () => {
    database = await createServerTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const newUser = (username: string) => ({
    username: username as Username,
    displayName: username,
    email: `${username}@school.test`,
    passwordHash: null,
    isSuperuser: false,
  });

  it("commits every repository's writes together, and rolls all of them back when the work throws", async () => {
    const inTransaction = unitOfWork(database.db);
    const outside = repositoriesOn(database.db);
    const created = await inTransaction(async ({ users, audit }) => {
      const user = await users.create(newUser("kept"));
      await audit.record({ actorUserId: user.id, action: "user.create", target: "kept", details: {} });
      return user;
    });
    expect((await outside.users.findByUsername("kept"))?.id).toBe(created.id);

    await expect(
      inTransaction(async ({ users, audit }) => {
        const user = await users.create(newUser("dropped"));
        await audit.record({ actorUserId: user.id, action: "user.create", target: "dropped", details: {} });
        // Not visible outside the transaction while it runs.
        expect(await outside.users.findByUsername("dropped")).toBeNull();
        throw new Error("something later failed");
      }),
    ).rejects.toThrow("something later failed");
    expect(await outside.users.findByUsername("dropped")).toBeNull();
    const events = await database.db.selectFrom("audit_events").select("target").execute();
    expect(events.map((event) => event.target)).toEqual(["kept"]);
  });
});
