/**
 * The live channel (GET /ws) end to end on a real PostgreSQL and a real WebSocket client (ws): who may open it and
 * follow which site, and that operation progress written by the worker's store and process changes reach the page.
 * The orchestrator's process view is a fake (a status this test sets); the real one is tested in apps/orchestrator.
 */
import type { LiveServerMessage } from "@director/contracts/manager-live";
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";
import type { SiteId } from "@director/domain/site";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildTestManagerApp } from "../../testing/test-app.js";
import { maxLiveConnectionsPerUser } from "./live-places.js";
import { InProcessOperationEvents } from "./operation-events.js";
import { publishingOperationStore } from "./publishing-operation-store.js";

const password = "a password long enough";

/** A test's end of a live connection: every message it got, and a way to wait for one. */
interface Client {
  socket: WebSocket;
  messages: LiveServerMessage[];
  next(match: (message: LiveServerMessage) => boolean, timeoutMs?: number): Promise<LiveServerMessage>;
  closed: Promise<number>;
}

describe("live channel (GET /ws)", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
  let base: string;
  const events = new InProcessOperationEvents();
  const tokens: Record<string, string> = {};
  // Fake of the orchestrator's process view: what a site's process is doing is what this test says.
  let processStatus: SiteServiceStatus = { state: "starting", message: "The site is starting." };
  let siteId: number;
  const openClients: WebSocket[] = [];

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ({ app, services } = await buildTestManagerApp(database, {
      operationEvents: events,
      liveTimings: { pollMs: 100, processPollMs: 100, recheckMs: 200 },
      siteProcess: {
        serviceStatus: async () => processStatus,
        logs: async () => ({ lines: [] }),
        followLogs: async () => (async function* () {})(),
      },
    }));
    for (const username of ["ann", "bob"]) {
      await services.auth.createUser({ username, password, isSuperuser: false });
      tokens[username] = (await services.auth.login(username, password)).token;
    }
    const ann = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "ann")
      .executeTakeFirstOrThrow();
    const created = await services.sites.create(
      { id: ann.id, username: "ann", isSuperuser: false },
      { name: "ann", type: "dynamic", purpose: "personal", description: "" },
    );
    siteId = created.site.id;
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    base = address.replace(/^http/, "ws");
  });

  afterAll(async () => {
    for (const socket of openClients) if (socket.readyState === WebSocket.OPEN) socket.terminate();
    await app?.close();
    await database?.drop();
  });

  /** Opens /ws as a browser would: the session cookie and our own Origin (unless told otherwise). */
  function connect(who: string | null, headers: Record<string, string> = {}): Promise<Client> {
    const host = new URL(base).host;
    const socket = new WebSocket(`${base}/ws`, {
      headers: { origin: `http://${host}`, ...(who ? { cookie: `director_session=${tokens[who]}` } : {}), ...headers },
    });
    openClients.push(socket);
    const messages: LiveServerMessage[] = [];
    const waiters = new Set<() => void>();
    socket.on("message", (data) => {
      messages.push(JSON.parse(data.toString()) as LiveServerMessage);
      for (const wake of waiters) wake();
    });
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    const next = (match: (message: LiveServerMessage) => boolean, timeoutMs = 3000) =>
      new Promise<LiveServerMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve({ socket, messages, next, closed }));
      socket.once("unexpected-response", (_request, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => reject(Object.assign(new Error(body), { status: response.statusCode, body })));
      });
      socket.once("error", reject);
    });
  }

  async function refusal(promise: Promise<Client>): Promise<{ status: number; code: string }> {
    const error = (await promise.then(
      () => {
        throw new Error("the connection opened");
      },
      (failure: unknown) => failure,
    )) as { status: number; body: string };
    return { status: error.status, code: JSON.parse(error.body).error.code };
  }

  const watch = (client: Client, sites: string[]) => client.socket.send(JSON.stringify({ type: "watch", sites }));

  it("refuses to open without a session, from another site's page, or for a disabled account", async () => {
    expect(await refusal(connect(null))).toEqual({ status: 401, code: "AUTH_REQUIRED" });
    expect(await refusal(connect("ann", { origin: "https://evil.example" }))).toEqual({
      status: 403,
      code: "ORIGIN_NOT_ALLOWED",
    });
    const noOrigin = new WebSocket(`${base}/ws`, { headers: { cookie: `director_session=${tokens.ann}` } });
    openClients.push(noOrigin);
    const status = await new Promise<number>((resolve) =>
      noOrigin.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it("sends a member the site's operation and process state at once, and only 'unavailable' to anyone else", async () => {
    const ann = await connect("ann");
    watch(ann, ["ann"]);
    const operation = await ann.next((message) => message.type === "operation");
    expect(operation).toMatchObject({ type: "operation", site: "ann", operation: { kind: "create_site" } });
    expect(await ann.next((message) => message.type === "process")).toEqual({
      type: "process",
      site: "ann",
      status: processStatus,
    });

    const bob = await connect("bob");
    watch(bob, ["ann", "no-such-site", "Not A Name';--"]);
    await bob.next((message) => message.type === "unavailable" && message.site === "no-such-site");
    await bob.next((message) => message.type === "unavailable" && message.site === "Not A Name';--");
    await bob.next((message) => message.type === "unavailable" && message.site === "ann");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // the same answer for a site that exists but is not his as for one that does not: nothing else leaks
    expect(bob.messages.filter((message) => message.type !== "unavailable")).toEqual([]);
    ann.socket.close();
    bob.socket.close();
  });

  it("pushes each step the worker's store writes, through to the operation's end", async () => {
    const client = await connect("ann");
    watch(client, ["ann"]);
    await client.next((message) => message.type === "operation");
    const store = publishingOperationStore(services.repositories.operations, events);
    const claimed = await store.claimNext({ owner: "live-test", leaseMs: 60_000 });
    expect(claimed?.siteId).toBe(siteId);
    if (!claimed) return;
    const running = await client.next(
      (message) => message.type === "operation" && message.operation.status === "running",
    );
    expect(running.type === "operation" && running.operation.id).toBe(claimed.id);
    for (const step of claimed.steps) {
      await store.startStep(claimed.id, step.position);
      await store.finishStep(claimed.id, step.position, { status: "succeeded", message: "" });
    }
    await store.finish(claimed.id, { status: "succeeded", error: null });
    const done = await client.next(
      (message) => message.type === "operation" && message.operation.status === "succeeded",
      1000,
    );
    expect(done.type === "operation" && done.operation.steps.every((step) => step.status === "succeeded")).toBe(true);
    client.socket.close();
  });

  it("pushes a process change once, and nothing while it stays the same", async () => {
    const client = await connect("ann");
    watch(client, ["ann"]);
    await client.next((message) => message.type === "process");
    processStatus = { state: "running", message: "DIRECTOR: starting /site/run.sh" };
    await client.next((message) => message.type === "process" && message.status.state === "running");
    await new Promise((resolve) => setTimeout(resolve, 500)); // five more reads of an unchanged state
    expect(client.messages.filter((message) => message.type === "process")).toHaveLength(2);
    client.socket.close();
  });

  it("sends the site's revision, and a newer one when something no operation makes changes (a comment)", async () => {
    const client = await connect("ann");
    watch(client, ["ann"]);
    const first = await client.next((message) => message.type === "site");
    const revision = first.type === "site" ? first.revision : -1;
    const page = await app.inject({
      method: "GET",
      url: "/api/sites/ann",
      cookies: { director_session: tokens.ann ?? "" },
    });
    expect(page.json().revision).toBe(revision); // what the page read is what the channel says
    await services.repositories.sites.updateAdminComment(siteId as SiteId, "Back on Monday.");
    const next = await client.next((message) => message.type === "site" && message.revision > revision);
    expect(next).toMatchObject({ type: "site", site: "ann" });
    client.socket.close();
  });

  it("answers a malformed message with VALIDATION_FAILED and stays open", async () => {
    const client = await connect("ann");
    client.socket.send("not json");
    client.socket.send(JSON.stringify({ type: "watch", sites: Array.from({ length: 101 }, (_, i) => `s${i}`) }));
    await client.next((message) => message.type === "error" && message.code === "VALIDATION_FAILED");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.messages.filter((message) => message.type === "error")).toHaveLength(2);
    watch(client, ["ann"]);
    await client.next((message) => message.type === "process");
    client.socket.close();
  });

  it("stops a member who was removed, and closes the connection once the session ends", async () => {
    await services.auth.createUser({ username: "cy", password, isSuperuser: false });
    const session = await services.auth.login("cy", password);
    tokens.cy = session.token;
    const cy = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "cy")
      .executeTakeFirstOrThrow();
    await database.db.insertInto("site_members").values({ site_id: siteId, user_id: cy.id }).execute();
    const client = await connect("cy");
    watch(client, ["ann"]);
    await client.next((message) => message.type === "process");
    await database.db.deleteFrom("site_members").where("user_id", "=", cy.id).execute();
    await client.next((message) => message.type === "unavailable" && message.site === "ann");
    const countBefore = client.messages.length;
    processStatus = { state: "failed", message: "run.sh exited with code 3." };
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.messages.slice(countBefore)).toEqual([]);
    await services.auth.logout(session.token);
    expect(await client.closed).toBe(4401);
  });

  it(`refuses more than ${maxLiveConnectionsPerUser} connections for one account`, async () => {
    const clients = await Promise.all(Array.from({ length: maxLiveConnectionsPerUser }, () => connect("bob")));
    expect(await refusal(connect("bob"))).toEqual({ status: 429, code: "LIVE_CONNECTION_LIMIT" });
    clients[0]?.socket.close();
    await clients[0]?.closed;
    const again = await connect("bob");
    again.socket.close();
    for (const client of clients) client.socket.close();
  });

  it("lets no more than the limit through from a burst of upgrades, and gives every place back on close", async () => {
    await services.auth.createUser({ username: "cat", password, isSuperuser: false });
    tokens.cat = (await services.auth.login("cat", password)).token;
    const burst = await Promise.allSettled(
      Array.from({ length: maxLiveConnectionsPerUser + 10 }, () => connect("cat")),
    );
    const opened = burst.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const refused = burst.flatMap((result) => (result.status === "rejected" ? [result.reason.status] : []));
    expect([opened.length, refused]).toEqual([maxLiveConnectionsPerUser, Array(10).fill(429)]);
    for (const client of opened) client.socket.close();
    await Promise.all(opened.map((client) => client.closed));
    // every place came back: the account opens as many again
    const again = await Promise.all(Array.from({ length: maxLiveConnectionsPerUser }, () => connect("cat")));
    for (const client of again) client.socket.close();
  });
});

describe("live channel: closed with the session (no waiting for the 30 s check)", () => {
  let database: ServerTestDatabase;
  let app: FastifyInstance;
  let services: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
  let base: string;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    ({ app, services } = await buildTestManagerApp(database)); // default timings: re-checks every 30 s
    await services.auth.createUser({ username: "root", password, isSuperuser: true });
    await services.auth.createUser({ username: "dee", password, isSuperuser: false });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  /** Opens /ws with a bearer token; resolves with the close code once the manager closes it. */
  async function openUntilClosed(token: string): Promise<{ closed: Promise<number> }> {
    const socket = new WebSocket(`${base.replace(/^http/, "ws")}/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    return { closed };
  }

  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("not closed")), ms))]);

  it("closes a session's connections when it logs out, and an account's when an administrator disables it", async () => {
    const dee = (await services.auth.login("dee", password)).token;
    const first = await openUntilClosed(dee);
    const loggedOut = await app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { authorization: `Bearer ${dee}` },
    });
    expect(loggedOut.statusCode).toBe(204);
    expect(await within(first.closed, 2000)).toBe(4401);

    const again = (await services.auth.login("dee", password)).token;
    const second = await openUntilClosed(again);
    const root = (await services.auth.login("root", password)).token;
    const disabled = await app.inject({
      method: "PATCH",
      url: "/api/admin/users/dee",
      headers: { authorization: `Bearer ${root}` },
      payload: { isActive: false },
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(await within(second.closed, 2000)).toBe(4401);
  });
});
