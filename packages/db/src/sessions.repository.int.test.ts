import { createHash, randomBytes } from "node:crypto";
import { createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionsRepository } from "./sessions.repository.js";

const minuteMs = 60_000;

function newTokenHash(): string {
  return createHash("sha256").update(randomBytes(32)).digest("hex");
}

describe.each(testBackends)("SessionsRepository on $name", (backend) => {
  let database: TestDatabase;
  let sessions: SessionsRepository;

  beforeAll(async () => {
    database = await backend.open();
    sessions = new SessionsRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("finds the user of a live session", async () => {
    const user = await createTestUser(database.db);
    const tokenHash = newTokenHash();
    const now = new Date();
    await sessions.create({ tokenHash, userId: user.id, expiresAt: new Date(now.getTime() + 60 * minuteMs) });
    const found = await sessions.findActiveUser(tokenHash, now);
    expect(found?.user).toEqual(user);
    expect(found?.session).toMatchObject({ tokenHash, userId: user.id });
  });

  it("finds a session only as its own kind: a shell login's token is no web session, and the reverse", async () => {
    const user = await createTestUser(database.db);
    const now = new Date();
    const shell = newTokenHash();
    const web = newTokenHash();
    const expiresAt = new Date(now.getTime() + minuteMs);
    await sessions.create({ tokenHash: shell, userId: user.id, expiresAt, kind: "shell" });
    await sessions.create({ tokenHash: web, userId: user.id, expiresAt });
    expect(await sessions.findActiveUser(shell, now)).toBeNull();
    expect((await sessions.findActiveUser(shell, now, "shell"))?.user.id).toBe(user.id);
    expect(await sessions.findActiveUser(web, now, "shell")).toBeNull();
    expect((await sessions.findActiveUser(web, now, "web"))?.user.id).toBe(user.id);
  });

  it("does not find an expired session, an unknown token or a disabled user", async () => {
    const user = await createTestUser(database.db);
    const now = new Date();
    const expired = newTokenHash();
    await sessions.create({ tokenHash: expired, userId: user.id, expiresAt: new Date(now.getTime() - 1) });
    expect(await sessions.findActiveUser(expired, now)).toBeNull();
    expect(await sessions.findActiveUser(newTokenHash(), now)).toBeNull();

    const disabled = await createTestUser(database.db);
    const tokenHash = newTokenHash();
    await sessions.create({ tokenHash, userId: disabled.id, expiresAt: new Date(now.getTime() + minuteMs) });
    await database.db.updateTable("users").set({ is_active: false }).where("id", "=", disabled.id).execute();
    expect(await sessions.findActiveUser(tokenHash, now)).toBeNull();
  });

  it("expires a session at expires_at", async () => {
    const user = await createTestUser(database.db);
    const tokenHash = newTokenHash();
    const expiresAt = new Date(Date.now() + 10 * minuteMs);
    await sessions.create({ tokenHash, userId: user.id, expiresAt });
    expect(await sessions.findActiveUser(tokenHash, new Date(expiresAt.getTime() - 1))).not.toBeNull();
    expect(await sessions.findActiveUser(tokenHash, expiresAt)).toBeNull();
  });

  it("touches last_seen_at at most once a minute", async () => {
    const user = await createTestUser(database.db);
    const tokenHash = newTokenHash();
    const created = await sessions.create({
      tokenHash,
      userId: user.id,
      expiresAt: new Date(Date.now() + 60 * minuteMs),
    });
    const soon = new Date(created.lastSeenAt.getTime() + 30_000);
    expect((await sessions.findActiveUser(tokenHash, soon))?.session.lastSeenAt).toEqual(created.lastSeenAt);
    const later = new Date(created.lastSeenAt.getTime() + 2 * minuteMs);
    expect((await sessions.findActiveUser(tokenHash, later))?.session.lastSeenAt).toEqual(later);
    const stored = await database.db
      .selectFrom("sessions")
      .select("last_seen_at")
      .where("token_hash", "=", tokenHash)
      .executeTakeFirstOrThrow();
    expect(stored.last_seen_at).toEqual(later);
  });

  it("deletes one session, and all expired ones", async () => {
    const user = await createTestUser(database.db);
    const now = new Date();
    const live = newTokenHash();
    const gone = newTokenHash();
    const expired = newTokenHash();
    await sessions.create({ tokenHash: live, userId: user.id, expiresAt: new Date(now.getTime() + minuteMs) });
    await sessions.create({ tokenHash: gone, userId: user.id, expiresAt: new Date(now.getTime() + minuteMs) });
    await sessions.create({ tokenHash: expired, userId: user.id, expiresAt: new Date(now.getTime() - minuteMs) });

    await sessions.delete(gone);
    await sessions.delete(gone); // a second logout is harmless
    expect(await sessions.findActiveUser(gone, now)).toBeNull();

    expect(await sessions.deleteExpired(now)).toBeGreaterThanOrEqual(1);
    const remaining = await database.db
      .selectFrom("sessions")
      .select("token_hash")
      .where("token_hash", "in", [live, gone, expired])
      .execute();
    expect(remaining.map((row) => row.token_hash)).toEqual([live]);
  });

  it("drops a user's sessions with the user", async () => {
    const user = await createTestUser(database.db);
    const tokenHash = newTokenHash();
    await sessions.create({ tokenHash, userId: user.id, expiresAt: new Date(Date.now() + minuteMs) });
    await sql`delete from users where id = ${user.id}`.execute(database.db);
    const rows = await database.db
      .selectFrom("sessions")
      .select("token_hash")
      .where("token_hash", "=", tokenHash)
      .execute();
    expect(rows).toEqual([]);
  });
});
