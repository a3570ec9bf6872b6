import { rm } from "node:fs/promises";
import { httpRequest } from "@director/testing/http-request";
import { openTerminalTestClient } from "@director/testing/terminal-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "correct horse battery staple";

describe("director up: the web terminal", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let member: ApiSession;
  let stranger: ApiSession;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    member = await ApiSession.login(director.managerUrl, "ann", password);
    stranger = await ApiSession.login(director.managerUrl, "eve", password);
    for (const [name, type] of [
      ["notes", "static"],
      ["app", "dynamic"],
    ]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type } });
      expect(created.status, created.text).toBe(201);
      const added = await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "ann" } });
      expect(added.status, added.text).toBe(201);
    }
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const terminalUrl = (site: string, query = "") =>
    `${director.managerUrl.replace(/^http/, "ws")}/api/sites/${site}/terminal${query}`;
  const openAs = async (who: ApiSession, site: string, query = "") => {
    const terminal = await openTerminalTestClient(terminalUrl(site, query), { authorization: `Bearer ${who.token}` });
    await terminal.waitForReady(90_000);
    return terminal;
  };
  it("gives a static site's member a shell in /site whose files nginx serves, and passes the exit status", async () => {
    const terminal = await openAs(member, "notes", "?cols=100&rows=30");
    expect((await terminal.run("pwd; stty size")).trim().split("\n")).toEqual(["/site", "30 100"]);
    // The site's own account, never root.
    expect(Number((await terminal.run("id -u")).trim())).toBeGreaterThan(0);
    await terminal.run("echo hi-from-terminal > public/x.txt");
    const served = await httpRequest({
      url: `${director.sitesUrl}/x.txt`,
      host: `notes.sites.localhost:${director.ports.sites}`,
    });
    expect(served).toMatchObject({ status: 200, text: "hi-from-terminal\n" });
    terminal.type("exit 3\n");
    expect((await terminal.closed).code).toBe(1000);
    expect(terminal.messages()).toContainEqual({ type: "exit", code: 3 });
  });

  it("tells a watching workspace when the terminal makes a file, and refuses folders outside the site", async () => {
    const stop = new AbortController();
    const response = await fetch(`${director.managerUrl}/api/sites/notes/file-events?folder=public&folder=`, {
      headers: { authorization: `Bearer ${member.token}` },
      signal: stop.signal,
    });
    expect(response.status).toBe(200);
    const events: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let text = "";
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
          for (const block of text.split("\n\n").slice(0, -1)) events.push(block);
          text = text.split("\n\n").at(-1) ?? "";
        }
      } catch {
        // aborted below
      }
    })();
    const waitForEvent = async (pattern: RegExp) => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if (events.some((event) => pattern.test(event))) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no event matching ${pattern}; got ${JSON.stringify(events)}`);
    };
    await waitForEvent(/^event: ready/);
    const terminal = await openAs(member, "notes");
    await terminal.run("echo hi > public/from-terminal.txt");
    await waitForEvent(/^event: change\ndata: \{"folder":"public"\}/);
    terminal.close();
    stop.abort();
    await reading;
    const outside = await member.request("GET", "/api/sites/notes/file-events?folder=../etc");
    expect(outside.status, outside.text).toBe(400);
    expect((await stranger.request("GET", "/api/sites/notes/file-events")).status).toBe(404);
  });

  it("ends a workspace's file events when its session logs out", async () => {
    const session = await ApiSession.login(director.managerUrl, "ann", password);
    const response = await fetch(`${director.managerUrl}/api/sites/notes/file-events`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(response.status).toBe(200);
    const ended = (async () => {
      for await (const _chunk of response.body as AsyncIterable<Uint8Array>) {
        // read to the end
      }
      return Date.now();
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const loggedOutAt = Date.now();
    const logout = await session.request("POST", "/api/auth/logout");
    expect(logout.status, logout.text).toBeLessThan(300);
    expect((await ended) - loggedOutAt).toBeLessThan(2_000);
  });

  it("closes a removed member's terminal within a second, and refuses them a new one", async () => {
    const terminal = await openAs(member, "app");
    expect((await terminal.run("echo $PORT")).trim()).toBe("8080");
    const removedAt = Date.now();
    const removed = await admin.request("DELETE", "/api/sites/app/members/ann");
    expect(removed.status, removed.text).toBe(200);
    const closed = await terminal.closed;
    expect(closed.code).toBe(4403);
    expect(Date.now() - removedAt).toBeLessThan(1000);
    expect(terminal.messages()).toContainEqual(expect.objectContaining({ type: "error", code: "SITE_ACCESS_LOST" }));
    await expect(openAs(member, "app")).rejects.toMatchObject({ status: 404 });
    const readded = await admin.request("POST", "/api/sites/app/members", { json: { username: "ann" } });
    expect(readded.status, readded.text).toBe(201);
  });

  it("closes when an administrator disables the site (4403) or the account (4401)", async () => {
    const onSite = await openAs(member, "notes");
    const disabled = await admin.request("PUT", "/api/sites/notes/availability?wait=true", {
      json: { availability: "disabled" },
    });
    expect(disabled.status, disabled.text).toBeLessThan(300);
    expect((await onSite.closed).code).toBe(4403);
    const enabled = await admin.request("PUT", "/api/sites/notes/availability?wait=true", {
      json: { availability: "enabled" },
    });
    expect(enabled.status, enabled.text).toBeLessThan(300);
    await director.run(["admin", "create-user", "--username", "dan"], `${password}\n`);
    expect((await admin.request("POST", "/api/sites/notes/members", { json: { username: "dan" } })).status).toBe(201);
    const dan = await ApiSession.login(director.managerUrl, "dan", password);
    const danTerminal = await openAs(dan, "notes");
    const disabledAccount = await admin.request("PATCH", "/api/admin/users/dan", { json: { isActive: false } });
    expect(disabledAccount.status, disabledAccount.text).toBe(200);
    expect((await danTerminal.closed).code).toBe(4401);
  });

  it("closes at logout with 4401", async () => {
    const session = await ApiSession.login(director.managerUrl, "ann", password);
    const terminal = await openAs(session, "notes");
    const loggedOut = await session.request("POST", "/api/auth/logout");
    expect(loggedOut.status, loggedOut.text).toBe(204);
    expect((await terminal.closed).code).toBe(4401);
  });

  it("refuses strangers, no session, another site's page and a bad size, before any shell starts", async () => {
    await expect(openAs(stranger, "notes")).rejects.toMatchObject({ status: 404 });
    await expect(openTerminalTestClient(terminalUrl("notes"))).rejects.toMatchObject({ status: 401 });
    // A cookie sent by a page of another site (cross-site WebSocket hijacking).
    await expect(
      openTerminalTestClient(terminalUrl("notes"), {
        cookie: `director_session=${member.token}`,
        origin: "http://evil.example",
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(openAs(member, "notes", "?cols=100000")).rejects.toMatchObject({ status: 400 });
    await expect(openAs(member, "nosuchsite")).rejects.toMatchObject({ status: 404 });
    // A plain HTTP request (no Upgrade) gets the usual error body.
    const plain = await member.request("GET", "/api/sites/notes/terminal");
    expect(plain.status, plain.text).toBe(426);
    expect(plain.json().error.code).toBe("WEBSOCKET_REQUIRED");
  });
});
