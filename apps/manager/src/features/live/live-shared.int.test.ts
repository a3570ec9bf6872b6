/**
 * The live channel across managers through Redis pub/sub (DIRECTOR_REDIS_URL), on the real Redis and PostgreSQL of
 * this machine: a page on manager 1 follows, step by step, an operation started through manager 2 and run by a worker
 * that publishes on manager 2's events; the live channel's own polling is set to 10 minutes, so only the events can
 * carry it. A manager without Redis hears nothing of it until it polls. An account's live connections are counted by
 * the managers that share Redis together.
 */
import { randomBytes } from "node:crypto";
import type { LiveServerMessage } from "@director/contracts/manager-live";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RedisBus } from "../../adapters/redis-bus.js";
import { RedisOperationEvents } from "../../adapters/redis-operation-events.js";
import { buildTestManagerApp, testManagerConfig } from "../../testing/test-app.js";
import { maxLiveConnectionsPerUser } from "./live-places.js";
import { InProcessOperationEvents } from "./operation-events.js";
import { publishingOperationStore } from "./publishing-operation-store.js";

const redisUrl = process.env.DIRECTOR_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const password = "a password long enough";
const noPolling = { pollMs: 600_000, processPollMs: 600_000, recheckMs: 600_000 };
const silent = pino({ level: "silent" });

describe("live channel across managers, through Redis", () => {
  let database: ServerTestDatabase;
  const keyPrefix = `director-test-${randomBytes(4).toString("hex")}:`;
  // managers 1 and 2 each have their bus (two processes, as far as Redis can tell)
  const buses = [1, 2].map(() => new RedisBus({ url: redisUrl, keyPrefix, log: silent }));
  const events = buses.map((bus) => new RedisOperationEvents(bus.channel("operation-events")));
  const apps: FastifyInstance[] = [];
  let second: Awaited<ReturnType<typeof buildTestManagerApp>>["services"];
  const sockets: WebSocket[] = [];
  const addresses = new Map<FastifyInstance, string>();

  beforeAll(async () => {
    database = await createServerTestDatabase();
    for (const bus of buses) bus.channel("session-endings");
    await Promise.all(buses.map((bus) => bus.ready()));
    const siteProcess = {
      serviceStatus: async () => ({ state: "stopped" as const, message: "" }),
      logs: async () => ({ lines: [] }),
      followLogs: async () => (async function* () {})(),
    };
    // manager 1 and manager 2 share Redis; manager 3 has none
    const built = [];
    for (const [operationEvents, bus] of [
      [events[0], buses[0]],
      [events[1], buses[1]],
      [new InProcessOperationEvents(), undefined],
    ] as const) {
      built.push(
        await buildTestManagerApp(database, {
          operationEvents,
          liveTimings: noPolling,
          siteProcess,
          ...(bus === undefined ? {} : { bus, config: testManagerConfig({ redis: { url: redisUrl, keyPrefix } }) }),
        }),
      );
    }
    apps.push(...built.map(({ app }) => app));
    second = (built[1] as (typeof built)[number]).services;
    await second.auth.createUser({ username: "ann", password, isSuperuser: false });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    for (const app of apps) await app.close();
    await Promise.all(buses.map((bus) => bus.close()));
    await database?.drop();
  });

  /** A page of `app` following site "ann": every message it gets. */
  async function follow(app: FastifyInstance, token: string): Promise<LiveServerMessage[]> {
    return (await open(app, token)).messages;
  }

  async function open(app: FastifyInstance, token: string) {
    const address = addresses.get(app) ?? (await app.listen({ host: "127.0.0.1", port: 0 })).replace(/^http/, "ws");
    addresses.set(app, address);
    const socket = new WebSocket(`${address}/ws`, {
      headers: { origin: `http://${new URL(address).host}`, cookie: `director_session=${token}` },
    });
    sockets.push(socket);
    const messages: LiveServerMessage[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as LiveServerMessage));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.send(JSON.stringify({ type: "watch", sites: ["ann"] }));
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    let isClosed = false;
    void closed.then(() => {
      isClosed = true;
    });
    return { socket, messages, closed, isClosed: () => isClosed };
  }
  const statuses = (messages: LiveServerMessage[]) =>
    messages.flatMap((message) => (message.type === "operation" ? [message.operation.status] : []));

  it("shows a page on manager 1 the progress of an operation started through manager 2", async () => {
    const token = (await second.auth.login("ann", password)).token;
    const ann = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "ann")
      .executeTakeFirstOrThrow();
    // started through manager 2
    await second.sites.create(
      { id: ann.id, username: "ann", isSuperuser: false },
      { name: "ann", type: "static", purpose: "personal", description: "" },
    );
    const [onFirst, onThird] = [
      await follow(apps[0] as FastifyInstance, token),
      await follow(apps[2] as FastifyInstance, token),
    ];
    await expect.poll(() => statuses(onFirst)).toEqual(["pending"]);
    await expect.poll(() => statuses(onThird)).toEqual(["pending"]);

    // a worker beside manager 2 runs it, publishing on manager 2's events
    const store = publishingOperationStore(second.repositories.operations, events[1] as RedisOperationEvents);
    const claimed = await store.claimNext({ owner: "shared-live-test", leaseMs: 60_000 });
    if (!claimed) throw new Error("nothing to claim");
    await expect.poll(() => statuses(onFirst), { timeout: 3000 }).toContain("running");
    for (const step of claimed.steps) {
      await store.startStep(claimed.id, step.position);
      await store.finishStep(claimed.id, step.position, { status: "succeeded", message: "" });
    }
    await store.finish(claimed.id, { status: "succeeded", error: null });
    await expect.poll(() => statuses(onFirst).at(-1), { timeout: 3000 }).toBe("succeeded");
    const last = onFirst.filter((message) => message.type === "operation").at(-1);
    expect(last?.type === "operation" && last.operation.steps.every((step) => step.status === "succeeded")).toBe(true);
    // the manager without Redis heard none of it (its poll is ten minutes away)
    expect(statuses(onThird)).toEqual(["pending"]);
  });

  it("closes a session's live connections on every manager when it logs out through one", async () => {
    const token = (await second.auth.login("ann", password)).token;
    const [onFirst, onThird] = [
      await open(apps[0] as FastifyInstance, token),
      await open(apps[2] as FastifyInstance, token),
    ];
    await expect.poll(() => onFirst.messages.length).toBeGreaterThan(0);
    const logout = await (apps[1] as FastifyInstance).inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.statusCode, logout.body).toBeLessThan(300);
    await onFirst.closed;
    // the manager without Redis learns it at its own check, ten minutes away
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onThird.isClosed()).toBe(false);
  });

  it(`holds an account to ${maxLiveConnectionsPerUser} live connections across the managers that share Redis`, async () => {
    await second.auth.createUser({ username: "tabs", password, isSuperuser: false });
    const token = (await second.auth.login("tabs", password)).token;
    const [first, other] = [apps[0] as FastifyInstance, apps[1] as FastifyInstance];
    const held = [];
    for (let i = 0; i < maxLiveConnectionsPerUser; i++) held.push(await open(i % 2 === 0 ? first : other, token));
    for (const app of [first, other]) {
      const refused = await upgradeStatus(app, token);
      expect(refused).toEqual({ status: 429, code: "LIVE_CONNECTION_LIMIT" });
    }
    // one tab closed on manager 1 makes room on manager 2
    held[0]?.socket.close();
    await held[0]?.closed;
    await expect.poll(() => upgradeStatus(other, token).then((answer) => answer.status)).toBe(101);
    // the manager without Redis counts its own
    expect((await upgradeStatus(apps[2] as FastifyInstance, token)).status).toBe(101);
  });

  /** The answer to a live channel upgrade: 101 (then closed at once), or the refusal's status and code. */
  async function upgradeStatus(app: FastifyInstance, token: string): Promise<{ status: number; code?: string }> {
    const address = addresses.get(app) ?? (await app.listen({ host: "127.0.0.1", port: 0 })).replace(/^http/, "ws");
    addresses.set(app, address);
    const socket = new WebSocket(`${address}/ws`, {
      headers: { origin: `http://${new URL(address).host}`, cookie: `director_session=${token}` },
    });
    sockets.push(socket);
    // a refused upgrade ends the socket before it opens: that error is the expected outcome, not a failure
    socket.on("error", () => {});
    return new Promise((resolve) => {
      socket.once("open", () => resolve({ status: 101 }));
      socket.once("unexpected-response", (_request, response) => {
        let body = "";
        const answer = () => {
          let code: string | undefined;
          try {
            code = JSON.parse(body).error?.code;
          } catch {
            code = undefined;
          }
          resolve({ status: response.statusCode ?? 0, ...(code === undefined ? {} : { code }) });
          socket.terminate();
        };
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.once("end", answer);
        response.once("close", answer);
      });
    });
  }

  it("keeps ids only on the channel, under the installation's key prefix", async () => {
    const listener = new Redis(redisUrl);
    try {
      const heard: string[] = [];
      await listener.subscribe(`${keyPrefix}operation-events`);
      listener.on("message", (_channel: string, message: string) => heard.push(message));
      (events[0] as RedisOperationEvents).publish(42);
      await expect.poll(() => heard.length).toBe(1);
      expect(heard[0]).toMatch(/^[0-9a-f]{16}:42$/);
    } finally {
      await listener.quit();
    }
  });
});
