/**
 * SSH keys and the shell server's report through the manager's HTTP edge, against a real PostgreSQL, with keys made
 * by the real ssh-keygen: the accepted types stored with ssh-keygen's own fingerprint, everything else refused with a
 * stable code and nothing stored, one person's keys out of another's reach, and the login lookup the shell server uses.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ManagerTestApp, startManagerTestApp } from "../../testing/test-app.js";

const run = promisify(execFile);

/** A key pair made by ssh-keygen: its .pub line, its private key file's text, and ssh-keygen -l's fingerprint. */
interface GeneratedKey {
  publicLine: string;
  privateText: string;
  fingerprint: string;
  /** the blob as the SSH protocol carries it (base64) */
  blob: string;
}

describe("SSH keys API", () => {
  let manager: ManagerTestApp;
  let keyDir: string;
  let sequence = 0;

  const generate = async (type: string, bits?: number): Promise<GeneratedKey> => {
    sequence += 1;
    const file = join(keyDir, `key${sequence}`);
    const args = ["-q", "-t", type, "-N", "", "-C", `test${sequence}@example`, "-f", file];
    if (bits !== undefined) args.push("-b", String(bits));
    await run("ssh-keygen", args);
    const { stdout } = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]);
    const publicLine = (await readFile(`${file}.pub`, "utf8")).trim();
    return {
      publicLine,
      privateText: await readFile(file, "utf8"),
      fingerprint: stdout.split(" ")[1] ?? "",
      blob: publicLine.split(" ")[1] ?? "",
    };
  };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), "director-ssh-keys-"));
    manager = await startManagerTestApp();
    await manager.addUser("alice");
    await manager.addUser("bob");
  });
  afterAll(async () => {
    await manager?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  const add = (who: string, publicKey: string, label = "laptop") =>
    manager.call(who, "POST", "/api/account/ssh-keys", { label, publicKey });
  const listed = async (who: string) => (await manager.call(who, "GET", "/api/account/ssh-keys")).json().keys;

  it.each([
    ["ed25519", undefined, "ssh-ed25519", 256],
    ["ecdsa", 256, "ecdsa-sha2-nistp256", 256],
    ["ecdsa", 384, "ecdsa-sha2-nistp384", 384],
    ["ecdsa", 521, "ecdsa-sha2-nistp521", 521],
    ["rsa", 2048, "ssh-rsa", 2048],
    ["rsa", 3072, "ssh-rsa", 3072],
  ] as const)("adds a %s key (%s bits) with ssh-keygen's fingerprint", async (type, bits, algorithm, expectedBits) => {
    const key = await generate(type, bits);
    const answer = await add("alice", `  ${key.publicLine}\n`, `${type} key`);
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json()).toMatchObject({
      label: `${type} key`,
      algorithm,
      bits: expectedBits,
      fingerprint: key.fingerprint,
      lastUsedAt: null,
    });
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect((await listed("alice")).map((entry: { fingerprint: string }) => entry.fingerprint)).toContain(
      key.fingerprint,
    );
  });

  it("refuses RSA 1024, DSA, a private key, a certificate, garbage and several keys, storing nothing", async () => {
    const before = await listed("alice");
    const rsa1024 = await generate("rsa", 1024);
    const dsa = await generate("dsa");
    const ed = await generate("ed25519");
    sequence += 1;
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keyDir, "ca")]);
    await run("ssh-keygen", [
      "-q",
      "-s",
      join(keyDir, "ca"),
      "-I",
      "id",
      "-n",
      "alice",
      join(keyDir, `key${sequence - 1}.pub`),
    ]);
    const certificate = (await readFile(join(keyDir, `key${sequence - 1}-cert.pub`), "utf8")).trim();
    const cases: Array<[string, string, RegExp]> = [
      ["rsa 1024", rsa1024.publicLine, /1024 bits; at least 2048/],
      ["dsa", dsa.publicLine, /DSA/],
      ["private", ed.privateText, /private key/],
      ["certificate", certificate, /certificates are not accepted/],
      ["garbage", "hello there", /id_ed25519\.pub/],
      ["truncated", ed.publicLine.slice(0, 40), /id_ed25519\.pub|not a readable/],
      ["two lines", `${ed.publicLine}\n${ed.publicLine}`, /id_ed25519\.pub/],
      ["options", `from="10.0.0.1" ${ed.publicLine}`, /id_ed25519\.pub/],
      ["sk", "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIBL6Qm1Z me", /sk-/],
      ["mismatched type", `ssh-rsa ${ed.blob}`, /not a readable/],
    ];
    for (const [name, text, message] of cases) {
      const answer = await add("alice", text, name);
      expect(answer.statusCode, `${name}: ${answer.body}`).toBe(400);
      expect(answer.json().error.code, name).toBe("SSH_KEY_INVALID");
      expect(answer.json().error.message, name).toMatch(message);
      expect(answer.json().error.details.fields.publicKey, name).toBeTypeOf("string");
    }
    expect(await listed("alice")).toEqual(before);
  });

  it("refuses a key already on this account, or on another one without naming it", async () => {
    const key = await generate("ed25519");
    expect((await add("alice", key.publicLine)).statusCode).toBe(201);
    const again = await add("alice", key.publicLine.replace(/ \S+$/, " another-comment"), "again");
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: "SSH_KEY_EXISTS",
      message: "This key is already on your account.",
    });
    const bobs = await add("bob", key.publicLine, "stolen");
    expect(bobs.statusCode).toBe(409);
    expect(bobs.json().error.code).toBe("SSH_KEY_EXISTS");
    expect(bobs.json().error.message).toMatch(/another account: a key must identify one person/);
    expect(bobs.json().error.message).not.toMatch(/alice/);
    expect(await listed("bob")).toEqual([]);
  });

  it("lists and removes only the caller's own keys, and audits both", async () => {
    const key = await generate("ed25519");
    const added = (await add("bob", key.publicLine, "bob's")).json();
    expect((await listed("alice")).map((entry: { id: number }) => entry.id)).not.toContain(added.id);
    const byAlice = await manager.call("alice", "DELETE", `/api/account/ssh-keys/${added.id}`);
    expect(byAlice.statusCode).toBe(404);
    expect(byAlice.json().error.code).toBe("SSH_KEY_NOT_FOUND");
    expect(await listed("bob")).toHaveLength(1);
    expect((await manager.call("bob", "DELETE", `/api/account/ssh-keys/${added.id}`)).statusCode).toBe(204);
    expect(await listed("bob")).toEqual([]);
    expect((await manager.call("bob", "DELETE", `/api/account/ssh-keys/${added.id}`)).statusCode).toBe(404);
    const events = await manager.database.db
      .selectFrom("audit_events")
      .select(["action", "target", "details"])
      .where("action", "like", "ssh_key.%")
      .where("target", "=", "user:bob")
      .orderBy("id")
      .execute();
    expect(events.map((event) => event.action)).toEqual(["ssh_key.add", "ssh_key.remove"]);
    expect(events[0]?.details).toMatchObject({ fingerprint: key.fingerprint, label: "bob's" });
  });

  it("needs a login, and a label", async () => {
    const key = await generate("ed25519");
    expect((await manager.call(null, "GET", "/api/account/ssh-keys")).statusCode).toBe(401);
    expect(
      (await manager.call(null, "POST", "/api/account/ssh-keys", { label: "x", publicKey: key.publicLine })).statusCode,
    ).toBe(401);
    const unlabelled = await add("alice", key.publicLine, "  ");
    expect(unlabelled.statusCode).toBe(400);
    expect(unlabelled.json().error.code).toBe("VALIDATION_FAILED");
  });

  it("holds at most 50 keys per account", async () => {
    await manager.addUser("carol");
    for (let index = 0; index < 50; index += 1) {
      const key = await generate("ed25519");
      expect((await add("carol", key.publicLine, `key ${index}`)).statusCode).toBe(201);
    }
    const over = await add("carol", (await generate("ed25519")).publicLine, "one more");
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe("SSH_KEY_LIMIT");
    expect(await listed("carol")).toHaveLength(50);
  });

  it("finds the key's owner for the shell server's login, never another person, and records its use", async () => {
    const ed = await generate("ed25519");
    const rsa = await generate("rsa", 2048);
    const edKey = (await add("alice", ed.publicLine, "login ed")).json();
    const rsaKey = (await add("alice", rsa.publicLine, "login rsa")).json();
    const { sshKeys } = manager.services;

    const found = await sshKeys.findLoginKey("alice", { algorithm: "ssh-ed25519", data: ed.blob });
    expect(found?.user.username).toBe("alice");
    expect(found?.keyId).toBe(edKey.id);
    // An RSA key signs with rsa-sha2-256/512 (RFC 8332) as well as ssh-rsa.
    for (const algorithm of ["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"]) {
      expect((await sshKeys.findLoginKey("alice", { algorithm, data: rsa.blob }))?.keyId, algorithm).toBe(rsaKey.id);
    }
    expect(await sshKeys.findLoginKey("bob", { algorithm: "ssh-ed25519", data: ed.blob })).toBeNull();
    expect(await sshKeys.findLoginKey("nobody", { algorithm: "ssh-ed25519", data: ed.blob })).toBeNull();
    expect(await sshKeys.findLoginKey("alice", { algorithm: "ssh-rsa", data: ed.blob })).toBeNull();
    expect(await sshKeys.findLoginKey("alice", { algorithm: "ssh-ed25519", data: rsa.blob })).toBeNull();
    const unknown = await generate("ed25519");
    expect(await sshKeys.findLoginKey("alice", { algorithm: "ssh-ed25519", data: unknown.blob })).toBeNull();
    expect(await sshKeys.findLoginKey("alice", { algorithm: "ssh-ed25519", data: "AAAA" })).toBeNull();

    const at = new Date("2030-05-06T07:08:09.000Z");
    await sshKeys.recordUse(edKey.id, at);
    const shown = (await listed("alice")).find((entry: { id: number }) => entry.id === edKey.id);
    expect(shown.lastUsedAt).toBe(at.toISOString());
  });

  it("says SSH is not available until the shell server reports, then shows its keys and port", async () => {
    const before = await manager.call("alice", "GET", "/api/ssh");
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      isAvailable: false,
      host: "localhost",
      port: null,
      siteSeparator: "+",
      hostKeys: [],
    });
    expect((await manager.call(null, "GET", "/api/ssh")).statusCode).toBe(401);

    const hostKey = await generate("ed25519");
    await manager.services.shellServer.report({
      keys: [{ algorithm: "ssh-ed25519", fingerprint: hostKey.fingerprint }],
      port: 2222,
    });
    const after = await manager.app.inject({
      method: "GET",
      url: "/api/ssh",
      headers: { ...authorization(await bearerOf("alice")), host: "director.school.test:8080" },
    });
    expect(after.json()).toEqual({
      isAvailable: true,
      host: "director.school.test",
      port: 2222,
      siteSeparator: "+",
      hostKeys: [{ algorithm: "ssh-ed25519", fingerprint: hostKey.fingerprint }],
    });
  });

  /** The bearer token addUser gave `who`, read back from a call's request (the helper keeps it to itself). */
  async function bearerOf(who: string): Promise<string> {
    const login = await manager.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: who, password: "a password long enough" },
    });
    return login.json().token;
  }
  function authorization(token: string) {
    return { authorization: `Bearer ${token}` };
  }
});
