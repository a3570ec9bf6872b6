/**
 * Operations over RabbitMQ (issue 17), on the real RabbitMQ and PostgreSQL of this machine: managers built as
 * production builds them, each with its outbox relay and its broker-fed worker, sharing one database and one queue.
 * Only the orchestrator and router are a recording fake (recording-site-host-fake.ts): what is tested is how
 * operations reach workers, each once, in turns fair between people, through a worker's death and a broker restart.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { OperationsRepository } from "@director/db/operations.repository";
import { createTestSite, createTestUser } from "@director/testing/db-factories";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import amqplib from "amqplib";
import type { LightMyRequestResponse } from "fastify";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RabbitOperationQueue } from "../../adapters/rabbitmq-operation-queue.js";
import type { Manager } from "../../manager.js";
import { type RecordedHostCall, recordingSiteHostFake } from "../../testing/recording-site-host-fake.js";
import { buildTestManagerApp, testManagerConfig, testPassword } from "../../testing/test-app.js";

const rabbitUrl = process.env.DIRECTOR_TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const silent = pino({ level: process.env.DEBUG_Q ? "info" : "silent" });

interface RunningManager {
  manager: Manager;
  queue: RabbitOperationQueue;
  /** an API call as the administrator */
  call(method: "POST" | "GET", url: string, payload?: object): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

describe("operations over RabbitMQ", () => {
  let database: ServerTestDatabase;
  let queueName: string;
  let calls: RecordedHostCall[];
  const running: RunningManager[] = [];

  beforeAll(async () => {
    database = await createServerTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    queueName = `director-test.${randomUUID().slice(0, 8)}`;
    calls = [];
    await database.db.deleteFrom("operations").execute();
    await database.db.deleteFrom("sites").execute();
  });
  afterEach(async () => {
    for (const one of running.splice(0)) await one.close();
    await withChannel(async (channel) => {
      await channel.deleteQueue(queueName);
      await channel.deleteQueue(`${queueName}.dead`);
    });
  });

  /** A manager with its relay and its broker-fed worker, as `director manager` with the worker role starts them. */
  async function startManager(
    label: string,
    options: {
      concurrency?: number;
      delayMs?: number;
      gate?: (call: RecordedHostCall) => Promise<void> | undefined;
    } = {},
  ): Promise<RunningManager> {
    const queue = await RabbitOperationQueue.connect({
      url: rabbitUrl,
      queue: queueName,
      deliveryLimit: 3,
      log: silent,
    });
    await queue.ready();
    const config = testManagerConfig({
      worker: { concurrency: options.concurrency ?? 4, leaseMs: 2_000, pollIntervalMs: 300, retryBaseDelayMs: 50 },
      rabbitmq: { url: rabbitUrl, queue: queueName, waiting: 4, deliveryLimit: 3 },
      usage: { trafficIntervalMs: 0, resourcesIntervalMs: 0, diskIntervalMs: 0 },
    });
    const { app, manager } = await buildTestManagerApp(database, {
      config,
      operationQueue: queue,
      host: recordingSiteHostFake({ label, calls, delayMs: options.delayMs ?? 0, gate: options.gate }),
    });
    manager.relay?.start();
    const stopBackground = manager.startBackground();
    const username = `admin-${label}`;
    if ((await manager.services.repositories.users.findByUsername(username)) === null) {
      await manager.services.auth.createUser({
        username,
        password: testPassword,
        isSuperuser: true,
        email: `${username}@school.test`,
      });
    }
    const { token } = await manager.services.auth.login(username, testPassword);
    const one: RunningManager = {
      manager,
      queue,
      async call(method, url, payload) {
        return app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(payload ? { payload } : {}),
        });
      },
      async close() {
        await stopBackground();
        await manager.relay?.stop();
        await queue.close();
        await app.close();
      },
    };
    running.push(one);
    return one;
  }

  async function untilAllFinished(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const unfinished = await database.db
        .selectFrom("operations")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("status", "in", ["pending", "running"])
        .executeTakeFirstOrThrow();
      if (Number(unfinished.n) === 0) return;
      if (Date.now() > deadline) throw new Error(`${unfinished.n} operations still unfinished after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async function stepAttempts(): Promise<number[]> {
    const rows = await database.db.selectFrom("operation_steps").select("attempts").execute();
    return rows.map((row) => row.attempts);
  }

  it("runs sites created through two managers on both workers, every step once, and empties the outbox", async () => {
    const one = await startManager("one");
    const two = await startManager("two");
    const names = Array.from({ length: 30 }, (_, index) => `queued-${index}`);
    const answers = await Promise.all(
      names.map((name, index) =>
        (index % 2 === 0 ? one : two).call("POST", "/api/sites", { name, purpose: "project" }),
      ),
    );
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(202);
    await untilAllFinished(30_000);

    const operations = await database.db.selectFrom("operations").select(["status", "site_name"]).execute();
    expect(operations).toHaveLength(30);
    expect(operations.every((operation) => operation.status === "succeeded")).toBe(true);
    expect(new Set(await stepAttempts())).toEqual(new Set([1]));
    const sites = await database.db.selectFrom("sites").select(["id", "name"]).execute();
    for (const site of sites) {
      const made = calls.filter((call) => call.method === "ensureDirectories" && call.siteId === site.id);
      expect(made, site.name).toHaveLength(1);
    }
    // both workers took some: the queue hands messages to every consumer
    expect(new Set(calls.map((call) => call.by))).toEqual(new Set(["one", "two"]));
    expect(await one.manager.services.repositories.operationOutbox.counts()).toEqual({ unpublished: 0, published: 0 });
  });

  it("gives another person's one operation its turn before most of one person's many", async () => {
    const worker = await startManager("worker", { concurrency: 2, delayMs: 60 });
    const [busy, other] = [await createTestUser(database.db), await createTestUser(database.db)];
    const operations = new OperationsRepository(database.db);
    const queueRestart = async (createdBy: number) => {
      const site = await createTestSite(database.db, { type: "dynamic" });
      return operations.create({
        siteId: site.id,
        siteName: site.name,
        kind: "restart_site",
        createdBy,
        steps: [{ slug: "restart_service", name: "Restart the site's process" }],
      });
    };
    for (let index = 0; index < 120; index++) await queueRestart(busy.id);
    worker.manager.relay?.trigger();
    await untilFinishedCount(5);
    const lone = await queueRestart(other.id);
    worker.manager.relay?.trigger();
    await untilAllFinished(60_000);

    const finished = await database.db
      .selectFrom("operations")
      .select(["id", "finished_at"])
      .orderBy("finished_at")
      .orderBy("id")
      .execute();
    const position = finished.findIndex((row) => row.id === lone.id);
    const before = finished.filter((row) => (row.finished_at as Date) < lone.createdAt).length;
    console.log(
      `the other person's operation, queued when ${before} of the first person's 120 had finished, finished after ${position - before} more of them`,
    );
    // it waits for what the worker holds (2) and what waits in the queue (4), not for the 100 or more still queued
    expect(before).toBeLessThan(20);
    expect(position - before).toBeLessThanOrEqual(2 + 4 + 1);
  });

  async function untilFinishedCount(count: number): Promise<void> {
    for (;;) {
      const done = await database.db
        .selectFrom("operations")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("status", "=", "succeeded")
        .executeTakeFirstOrThrow();
      if (Number(done.n) >= count) return;
      await sleep(20);
    }
  }

  it("resumes an operation whose worker died at its first unfinished step, once its lease has run out", async () => {
    const site = await createTestSite(database.db, { type: "dynamic" });
    const operations = new OperationsRepository(database.db);
    const queued = await operations.create({
      siteId: site.id,
      siteName: site.name,
      kind: "update_limits",
      createdBy: null,
      steps: [
        { slug: "update_service", name: "Apply the settings to the site's process" },
        { slug: "write_balancer_config", name: "Write the balancer's configuration" },
      ],
    });
    // what a worker left when it was killed: the first step done, the second started, the lease still running
    const claim = await operations.claimById(queued.id, { owner: "killed-worker", leaseMs: 1_500 });
    expect(claim.outcome).toBe("claimed");
    await operations.startStep(queued.id, 0);
    await operations.finishStep(queued.id, 0, { status: "succeeded", message: "" });
    await operations.startStep(queued.id, 1);

    await startManager("survivor");
    await untilAllFinished(15_000);
    const resumed = await operations.findById(queued.id);
    expect(resumed?.status).toBe("succeeded");
    expect(resumed?.steps.map((step) => [step.slug, step.attempts])).toEqual([
      ["update_service", 1],
      ["write_balancer_config", 2],
    ]);
    expect(calls.map((call) => [call.method, call.by])).toEqual([["upsertBalancer", "survivor"]]);
  });

  it("dead-letters a message that is not an operation id, and goes on with the next", async () => {
    const one = await startManager("one");
    await withChannel(async (channel) => {
      channel.sendToQueue(queueName, Buffer.from("rm -rf /"), { persistent: true });
      await channel.waitForConfirms();
    });
    const answer = await one.call("POST", "/api/sites", { name: "after-poison", purpose: "project" });
    expect(answer.statusCode).toBe(202);
    await untilAllFinished(15_000);
    expect(await database.db.selectFrom("operations").select("status").execute()).toEqual([{ status: "succeeded" }]);
    // what the worker's metrics show an operator (director_operations_dead_letters)
    let deadLetters = 0;
    for (let waited = 0; waited < 5_000 && deadLetters === 0; waited += 100) {
      deadLetters = await one.queue.deadLetterCount();
      if (deadLetters === 0) await sleep(100);
    }
    expect(deadLetters).toBe(1);
    const dead = await withChannel(async (channel) => {
      for (let waited = 0; waited < 5_000; waited += 100) {
        const message = await channel.get(`${queueName}.dead`, { noAck: true });
        if (message !== false) return message.content.toString();
        await sleep(100);
      }
      return null;
    });
    expect(dead).toBe("rm -rf /");
  });

  it("loses nothing and runs nothing twice when RabbitMQ restarts in the middle; what is queued meanwhile waits", async () => {
    const one = await startManager("one", { delayMs: 150 });
    const first = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        one.call("POST", "/api/sites", { name: `before-${index}`, purpose: "project" }),
      ),
    );
    for (const answer of first) expect(answer.statusCode).toBe(202);
    await untilFinishedCount(2);
    rabbitmqctl("stop_app");
    try {
      const during = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          one.call("POST", "/api/sites", { name: `during-${index}`, purpose: "project" }),
        ),
      );
      for (const answer of during) expect(answer.statusCode, answer.body).toBe(202);
      const waiting = await one.manager.services.repositories.operationOutbox.counts();
      expect(waiting.unpublished).toBeGreaterThanOrEqual(6);
    } finally {
      rabbitmqctl("start_app");
    }
    await untilAllFinished(60_000);
    const statuses = await database.db.selectFrom("operations").select("status").execute();
    expect(statuses).toHaveLength(18);
    expect(statuses.every((row) => row.status === "succeeded")).toBe(true);
    expect(new Set(await stepAttempts())).toEqual(new Set([1]));
    const sites = await database.db.selectFrom("sites").select("id").execute();
    for (const site of sites) {
      expect(calls.filter((call) => call.method === "ensureDirectories" && call.siteId === site.id)).toHaveLength(1);
    }
  }, 90_000);
});

function rabbitmqctl(command: "stop_app" | "start_app"): void {
  execFileSync("rabbitmqctl", [command], { stdio: "ignore", timeout: 60_000 });
  if (command === "start_app") execFileSync("rabbitmqctl", ["await_startup"], { stdio: "ignore", timeout: 60_000 });
}

async function withChannel<T>(work: (channel: amqplib.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(rabbitUrl);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on("error", () => undefined);
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
