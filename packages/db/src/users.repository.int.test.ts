import { parseUsername } from "@director/domain/username";
import { createTestUser, uniqueName } from "@director/testing/db-factories";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsersRepository } from "./users.repository.js";

describe.each(testBackends)("UsersRepository on $name", (backend) => {
  let database: TestDatabase;
  let users: UsersRepository;

  beforeAll(async () => {
    database = await backend.open();
    users = new UsersRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("creates a user with defaults and finds it by username and id", async () => {
    const username = parseUsername(uniqueName("alice"));
    const created = await users.create({
      username,
      displayName: "Alice",
      email: "alice@example.test",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
      isSuperuser: true,
    });
    expect(created).toMatchObject({ username, displayName: "Alice", isSuperuser: true, isActive: true });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await users.findByUsername(username)).toEqual(created);
    expect(await users.findById(created.id)).toEqual(created);
  });

  it("answers null for unknown users", async () => {
    expect(await users.findByUsername("nobody-here")).toBeNull();
    expect(await users.findById(987_654)).toBeNull();
  });

  it("refuses a duplicate username with USERNAME_TAKEN", async () => {
    const existing = await createTestUser(database.db);
    await expect(createTestUser(database.db, { username: existing.username })).rejects.toMatchObject({
      code: "USERNAME_TAKEN",
    });
  });

  it("counts users", async () => {
    const before = await users.count();
    await createTestUser(database.db);
    expect(await users.count()).toBe(before + 1);
  });

  it("writes inside a caller's transaction and rolls back with it", async () => {
    const username = parseUsername(uniqueName("rollback"));
    await expect(
      database.db.transaction().execute(async (trx) => {
        await users.create({ username, displayName: "", email: "", passwordHash: null, isSuperuser: false }, trx);
        expect(await users.findByUsername(username, trx)).not.toBeNull();
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await users.findByUsername(username)).toBeNull();
  });
});
