import { randomBytes } from "node:crypto";
import { sshFingerprint } from "@director/domain/ssh-key";
import { createTestUser } from "@director/testing/db-factories";
import { type TestDatabase, testBackends } from "@director/testing/test-databases";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShellServerReportRepository } from "./shell-server-report.repository.js";
import { type NewSshKey, SshKeysRepository } from "./ssh-keys.repository.js";

/** A key of random bytes: the repository stores what the service parsed, it does not parse. */
function newKey(userId: number, label = "laptop"): NewSshKey {
  const blob = randomBytes(51);
  return {
    userId,
    label,
    algorithm: "ssh-ed25519",
    keyData: blob.toString("base64"),
    fingerprint: sshFingerprint(blob),
    bits: 256,
  };
}

describe.each(testBackends)("SshKeysRepository on $name", (backend) => {
  let database: TestDatabase;
  let keys: SshKeysRepository;

  beforeAll(async () => {
    database = await backend.open();
    keys = new SshKeysRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("stores, lists, counts and finds a person's keys", async () => {
    const user = await createTestUser(database.db);
    const first = await keys.create(newKey(user.id, "laptop"));
    const second = await keys.create(newKey(user.id, "desktop"));
    expect(first).toMatchObject({ userId: user.id, label: "laptop", lastUsedAt: null, bits: 256 });
    expect((await keys.listForUser(user.id)).map((key) => key.label)).toEqual(["laptop", "desktop"]);
    expect(await keys.countForUser(user.id)).toBe(2);
    expect(await keys.findByFingerprint(second.fingerprint)).toEqual(second);
    expect(await keys.findByFingerprint(sshFingerprint(randomBytes(8)))).toBeNull();
  });

  it("refuses a fingerprint already on any account with SSH_KEY_EXISTS", async () => {
    const alice = await createTestUser(database.db);
    const bob = await createTestUser(database.db);
    const key = newKey(alice.id);
    await keys.create(key);
    await expect(keys.create(key)).rejects.toMatchObject({ code: "SSH_KEY_EXISTS" });
    await expect(keys.create({ ...key, userId: bob.id })).rejects.toMatchObject({ code: "SSH_KEY_EXISTS" });
    expect(await keys.countForUser(bob.id)).toBe(0);
  });

  it("finds a key with its account only under that account's username", async () => {
    const alice = await createTestUser(database.db);
    const bob = await createTestUser(database.db);
    const key = await keys.create(newKey(alice.id));
    const found = await keys.findWithUser(alice.username, key.fingerprint);
    expect(found?.user).toEqual(alice);
    expect(found?.key).toEqual(key);
    expect(await keys.findWithUser(bob.username, key.fingerprint)).toBeNull();
    expect(await keys.findWithUser("nobody", key.fingerprint)).toBeNull();
  });

  it("deletes only the person's own key", async () => {
    const alice = await createTestUser(database.db);
    const bob = await createTestUser(database.db);
    const key = await keys.create(newKey(alice.id));
    expect(await keys.delete(bob.id, key.id)).toBeNull();
    expect(await keys.delete(alice.id, key.id)).toEqual(key);
    expect(await keys.delete(alice.id, key.id)).toBeNull();
    expect(await keys.countForUser(alice.id)).toBe(0);
  });

  it("records a key's last use", async () => {
    const user = await createTestUser(database.db);
    const key = await keys.create(newKey(user.id));
    const at = new Date("2030-01-02T03:04:05.000Z");
    await keys.recordUse(key.id, at);
    expect((await keys.findByFingerprint(key.fingerprint))?.lastUsedAt).toEqual(at);
  });

  it("holds the account while one addition counts, so a second waits for it", async () => {
    const user = await createTestUser(database.db);
    const events: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => {
      firstLocked = resolve;
    });
    const first = database.db.transaction().execute(async (trx) => {
      await keys.lockKeysOf(user.id, trx);
      firstLocked();
      await firstHolds;
      await keys.create(newKey(user.id), trx);
      events.push("first added");
    });
    await locked;
    const second = database.db.transaction().execute(async (trx) => {
      await keys.lockKeysOf(user.id, trx);
      events.push(`second counts ${await keys.countForUser(user.id, trx)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(["first added", "second counts 1"]);
  });

  it("drops a person's keys with the person", async () => {
    const user = await createTestUser(database.db);
    await keys.create(newKey(user.id));
    await sql`delete from users where id = ${user.id}`.execute(database.db);
    expect(await keys.countForUser(user.id)).toBe(0);
  });
});

describe.each(testBackends)("ShellServerReportRepository on $name", (backend) => {
  let database: TestDatabase;
  let reports: ShellServerReportRepository;

  beforeAll(async () => {
    database = await backend.open();
    reports = new ShellServerReportRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("has no report until the shell server sends one, then keeps only the last", async () => {
    expect(await reports.find()).toBeNull();
    const first = {
      hostKeys: [{ algorithm: "ssh-ed25519", fingerprint: sshFingerprint(randomBytes(8)) }],
      port: 2222,
      reportedAt: new Date("2030-01-01T00:00:00.000Z"),
    };
    await reports.save(first);
    expect(await reports.find()).toEqual(first);
    const second = {
      hostKeys: [
        { algorithm: "ssh-ed25519", fingerprint: sshFingerprint(randomBytes(8)) },
        { algorithm: "rsa-sha2-512", fingerprint: sshFingerprint(randomBytes(8)) },
      ],
      port: 22,
      reportedAt: new Date("2030-01-02T00:00:00.000Z"),
    };
    await reports.save(second);
    expect(await reports.find()).toEqual(second);
    const rows = await database.db.selectFrom("shell_server_report").select("port").execute();
    expect(rows).toEqual([{ port: 22 }]);
  });
});
