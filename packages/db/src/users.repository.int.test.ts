import { guidelinesVersionOf } from "@director/domain/guidelines-version";
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
  it("records which version of the guidelines was accepted, and when it was first accepted", async () => {
    const first = guidelinesVersionOf("Be kind.\n");
    const second = guidelinesVersionOf("Be kind and share.\n");
    const user = await createTestUser(database.db);
    expect(user).toMatchObject({ guidelinesAcceptedAt: null, guidelinesVersion: null });

    const monday = new Date("2025-03-03T08:00:00Z");
    expect(await users.acceptGuidelines(user.id, monday, first)).toMatchObject({
      guidelinesAcceptedAt: monday,
      guidelinesVersion: first,
    });
    // the same version again: nothing changes
    const tuesday = new Date("2025-03-04T08:00:00Z");
    expect(await users.acceptGuidelines(user.id, tuesday, first)).toMatchObject({
      guidelinesAcceptedAt: monday,
      guidelinesVersion: first,
    });
    // another version: both change
    expect(await users.acceptGuidelines(user.id, tuesday, second)).toMatchObject({
      guidelinesAcceptedAt: tuesday,
      guidelinesVersion: second,
    });
    expect(await users.acceptGuidelines(987_654, tuesday, second)).toBeNull();
  });

  it("records the current version for acceptances from before versions, and only for those", async () => {
    const current = guidelinesVersionOf("Be kind.\n");
    const earlier = guidelinesVersionOf("Be nice.\n");
    const at = new Date("2025-01-15T08:00:00Z");
    const unversioned = await createTestUser(database.db);
    // what 0009 leaves behind: a date, no version
    await database.db
      .updateTable("users")
      .set({ guidelines_accepted_at: at })
      .where("id", "=", unversioned.id)
      .execute();
    const never = await createTestUser(database.db);
    const versioned = await users.create({
      username: parseUsername(uniqueName("versioned")),
      displayName: "",
      email: "",
      passwordHash: null,
      isSuperuser: false,
      guidelinesAccepted: { at, version: earlier },
    });

    expect(await users.recordGuidelinesVersionOfUnversioned(current)).toBeGreaterThanOrEqual(1);
    expect(await users.findById(unversioned.id)).toMatchObject({
      guidelinesAcceptedAt: at,
      guidelinesVersion: current,
    });
    expect(await users.findById(never.id)).toMatchObject({ guidelinesAcceptedAt: null, guidelinesVersion: null });
    expect(await users.findById(versioned.id)).toMatchObject({ guidelinesAcceptedAt: at, guidelinesVersion: earlier });
    expect(await users.recordGuidelinesVersionOfUnversioned(current)).toBe(0);
  });
});
