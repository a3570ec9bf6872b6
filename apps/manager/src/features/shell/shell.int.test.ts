/**
 * The manager's internal API for the shell server, against a real PostgreSQL: only the shell server's token opens it;
 * logins by password and by a registered key give a login token that lists the person's own sites and ends at logout
 * or when the account is disabled; failures are audited and, past the limits, refused even with the right password.
 */

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expectedRotationAnswers, tokenRotationAnswers } from "@director/testing/token-rotation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTestConfig, type ManagerTestApp, startManagerTestApp, testPassword } from "../../testing/test-app.js";

const run = promisify(execFile);
const shellToken = "s".repeat(40);

describe("the manager's shell-server API", () => {
  let manager: ManagerTestApp;
  let keyDir: string;
  let aliceKey: { line: string; blob: string; algorithm: string };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), "director-shell-api-"));
    manager = await startManagerTestApp({
      config: {
        ...apiTestConfig,
        shell: { token: shellToken },
        sessions: { ...apiTestConfig.sessions, loginMaxPerUsername: 3, loginMaxPerIp: 50 },
      },
    });
    await manager.addUser("alice");
    await manager.addUser("bob");
    await manager.addUser("carol");
    await manager.addUser("root", { isSuperuser: true });
    for (const name of ["alpha", "beta"]) {
      const created = await manager.call("root", "POST", "/api/sites", { name, type: "static" });
      expect(created.statusCode, created.body).toBeLessThan(300);
    }
    const member = await manager.call("root", "POST", "/api/sites/alpha/members", { username: "alice" });
    expect(member.statusCode, member.body).toBe(201);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keyDir, "alice")]);
    const line = (await readFile(join(keyDir, "alice.pub"), "utf8")).trim();
    const [algorithm = "", blob = ""] = line.split(" ");
    aliceKey = { line, blob, algorithm };
    const added = await manager.call("alice", "POST", "/api/account/ssh-keys", { label: "k", publicKey: line });
    expect(added.statusCode, added.body).toBe(201);
  });
  afterAll(async () => {
    await manager?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  const internal = (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    options: { payload?: object; login?: string; token?: string } = {},
  ) =>
    manager.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${options.token ?? shellToken}`,
        ...(options.login === undefined ? {} : { "x-director-login": options.login }),
      },
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });
  const login = (username: string, credential: object, address = "192.0.2.10") =>
    internal("POST", "/internal/v1/shell/logins", { payload: { username, address, credential } });

  it("accepts the shell server's old token beside the new one during a rotation, and only the new one after", async () => {
    const answers = await tokenRotationAnswers(async (tokens) => {
      const rotated = await startManagerTestApp({ config: { ...apiTestConfig, shell: tokens } });
      return {
        statusWith: async (token) =>
          (
            await rotated.app.inject({
              method: "POST",
              url: "/internal/v1/shell/key-checks",
              headers: token === null ? {} : { authorization: `Bearer ${token}` },
              payload: { username: "nobody", publicKey: { algorithm: aliceKey.algorithm, data: aliceKey.blob } },
            })
          ).statusCode,
        close: () => rotated.close(),
      };
    });
    expect(answers).toEqual(expectedRotationAnswers);
  });

  it("refuses callers without the shell server's token, also a person's own session", async () => {
    const none = await manager.app.inject({ method: "POST", url: "/internal/v1/shell/logins", payload: {} });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe("INTERNAL_AUTH_INVALID");
    const person = await manager.call("alice", "GET", "/internal/v1/shell/sites");
    expect(person.statusCode).toBe(401);
    const wrong = await internal("GET", "/internal/v1/shell/sites", { token: "x".repeat(40) });
    expect(wrong.statusCode).toBe(401);
  });

  it("logs in by password and lists only the person's own sites, until logout", async () => {
    const answer = await login("Alice", { kind: "password", password: testPassword });
    expect(answer.statusCode, answer.body).toBe(200);
    const { token, username } = answer.json();
    expect(username).toBe("alice");
    const sites = await internal("GET", "/internal/v1/shell/sites", { login: token });
    expect(sites.statusCode, sites.body).toBe(200);
    expect(sites.json().sites).toEqual([{ name: "alpha", type: "static", isEnabled: true }]);
    // The shell server holds this token: it opens nothing of the web API, and a web session opens no channel.
    const asWeb = await manager.app.inject({
      method: "GET",
      url: "/api/sites",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asWeb.statusCode).toBe(401);
    const webToken = (await manager.services.auth.login("alice", testPassword)).token;
    expect((await internal("GET", "/internal/v1/shell/sites", { login: webToken })).statusCode).toBe(401);
    expect((await internal("DELETE", "/internal/v1/shell/logins/current", { login: token })).statusCode).toBe(204);
    const after = await internal("GET", "/internal/v1/shell/sites", { login: token });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe("AUTH_REQUIRED");
  });

  it("answers whether a key is the person's, and logs in with it", async () => {
    const publicKey = { algorithm: aliceKey.algorithm, data: aliceKey.blob };
    const check = (username: string) =>
      internal("POST", "/internal/v1/shell/key-checks", { payload: { username, publicKey } });
    expect((await check("alice")).json()).toEqual({ isAccepted: true });
    expect((await check("bob")).json()).toEqual({ isAccepted: false });
    const byKey = await login("alice", { kind: "publickey", publicKey });
    expect(byKey.statusCode, byKey.body).toBe(200);
    const notBobs = await login("bob", { kind: "publickey", publicKey });
    expect(notBobs.statusCode).toBe(401);
    expect(notBobs.json().error.code).toBe("AUTH_INVALID_CREDENTIALS");
    const keys = (await manager.call("alice", "GET", "/api/account/ssh-keys")).json().keys;
    expect(keys[0].lastUsedAt).not.toBeNull();
  });

  it("audits failures and refuses a username past its limit, even with the right password", async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failed = await login("carol", { kind: "password", password: "wrong password!" }, `198.51.100.${attempt}`);
      expect(failed.statusCode).toBe(401);
    }
    const limited = await login("carol", { kind: "password", password: testPassword }, "198.51.100.99");
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("LOGIN_RATE_LIMITED");
    const audit = await manager.database.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("target", "=", "user:carol")
      .execute();
    expect(audit.filter((entry) => entry.action === "auth.login_failed")).toHaveLength(3);
    expect(JSON.stringify(audit)).toContain("ssh-password");
    expect(audit.some((entry) => entry.action === "auth.login_refused")).toBe(true);
  });

  it("tells the owner of a disabled account, and ends its logins", async () => {
    const open = (await login("bob", { kind: "password", password: testPassword })).json().token as string;
    const off = await manager.call("root", "PATCH", "/api/admin/users/bob", { isActive: false });
    expect(off.statusCode, off.body).toBe(200);
    const refused = await login("bob", { kind: "password", password: testPassword });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("ACCOUNT_DISABLED");
    expect((await internal("GET", "/internal/v1/shell/sites", { login: open })).statusCode).toBe(401);
  });

  it("sends a person who has not accepted the guidelines to the web interface", async () => {
    await manager.services.auth.createUser({
      username: "newbie",
      password: testPassword,
      isSuperuser: false,
      hasAcceptedGuidelines: false,
    });
    const token = (await login("newbie", { kind: "password", password: testPassword })).json().token as string;
    const sites = await internal("GET", "/internal/v1/shell/sites", { login: token });
    expect(sites.statusCode).toBe(403);
    expect(sites.json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
    const channel = await internal("GET", "/internal/v1/shell/sites/alpha/channel", { login: token });
    expect(channel.json().error.code).toBe("GUIDELINES_NOT_ACCEPTED");
  });

  it("takes the shell server's host keys and shows them to people", async () => {
    const keys = [{ algorithm: "ssh-ed25519", fingerprint: "SHA256:abc" }];
    expect((await internal("PUT", "/internal/v1/shell/host-keys", { payload: { keys, port: 2222 } })).statusCode).toBe(
      204,
    );
    const info = await manager.call("alice", "GET", "/api/ssh");
    expect(info.json()).toMatchObject({ isAvailable: true, port: 2222, hostKeys: keys });
  });

  it("refuses a channel before any upgrade without a live login", async () => {
    const answer = await internal("GET", "/internal/v1/shell/sites/alpha/channel", { login: "not-a-token" });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().error.code).toBe("AUTH_REQUIRED");
  });
});
