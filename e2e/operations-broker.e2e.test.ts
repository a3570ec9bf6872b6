/**
 * Production's topology under stress (issue 17): two managers, two workers, an orchestrator and a router as separate
 * processes of the built programs (npm run build: dist/<component>/<component>.mjs, plain node) on the PostgreSQL server, the operations carried by this machine's RabbitMQ, the
 * live events and login limits shared through its Redis. 50 sites are created at once through both managers; one
 * worker is killed with SIGKILL in the middle and RabbitMQ restarted once. Every site ends served through the router,
 * no operation lost, none failed, and no step run again unless its worker was killed while running it.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@director/testing/free-port";
import { httpRequest } from "@director/testing/http-request";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import amqplib from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { ComponentProcess } from "./support/component-process.js";
import { repoRoot } from "./support/director-process.js";
import { prepareSplitTopology, type SplitTopology } from "./support/split-topology.js";

const password = "a long enough password";
const installationId = `e2e${randomBytes(4).toString("hex")}`;
const rabbitUrl = process.env.DIRECTOR_TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const queueName = `director-e2e.${installationId}`;
const siteCount = 50;
const metricsToken = randomBytes(16).toString("hex");

/** Every sample of `name` in a Prometheus text answer, as its labels text (`{a="b"}` or "") → value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? "", Number(match[3]));
  }
  return found;
}

describe("two managers and two workers over RabbitMQ and Redis", () => {
  let database: ServerTestDatabase;
  const processes: ComponentProcess[] = [];
  let env: Record<string, string>;
  let ports: Record<"managerA" | "managerB" | "orchestrator" | "router" | "edge" | "balancer", number>;

  let topology: SplitTopology | undefined;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    topology = await prepareSplitTopology({ databaseUrl: database.url, installationId, prefix: "director-broker-" });
    // the topology's manager port is manager A's; B gets its own
    ports = { ...topology.ports, managerA: topology.ports.manager, managerB: await freePort() };
    env = {
      ...topology.env,
      DIRECTOR_LOG_LEVEL: "info",
      DIRECTOR_WORKER_LEASE_MS: "3000",
      DIRECTOR_WORKER_POLL_MS: "500",
      DIRECTOR_STEP_RETRY_BASE_MS: "200",
      DIRECTOR_STEP_MAX_ATTEMPTS: "100",
      DIRECTOR_RABBITMQ_URL: rabbitUrl,
      DIRECTOR_RABBITMQ_QUEUE: queueName,
      DIRECTOR_REDIS_URL: "redis://127.0.0.1:6379/0",
      DIRECTOR_REDIS_KEY_PREFIX: `${installationId}:`,
      DIRECTOR_LOGIN_MAX_PER_USERNAME: "3",
      DIRECTOR_METRICS_TOKEN: metricsToken,
    };
  });

  afterAll(async () => {
    for (const one of processes.reverse()) await one.stop();
    await database?.drop();
    await topology?.cleanup();
    const connection = await amqplib.connect(rabbitUrl);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queueName);
    await channel.deleteQueue(`${queueName}.dead`);
    await connection.close();
  });

  const start = async (
    component: "manager" | "worker" | "orchestrator" | "router",
    healthUrl?: string,
    extra: Record<string, string> = {},
  ) => {
    const started = await ComponentProcess.start(component, { ...env, ...extra }, healthUrl, { built: true });
    processes.push(started);
    return started;
  };

  const finishedCount = async () => {
    const row = await database.db
      .selectFrom("operations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("status", "in", ["succeeded", "failed"])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const untilFinished = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while ((await finishedCount()) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} operations finished after ${timeoutMs} ms`);
      await sleep(100);
    }
  };

  it("creates 50 sites at once through both managers, through a worker's death and a RabbitMQ restart", async () => {
    await start("orchestrator", `http://127.0.0.1:${ports.orchestrator}/health`);
    await start("router", `http://127.0.0.1:${ports.router}/health`);
    await start("manager", `http://127.0.0.1:${ports.managerA}/health`, {
      DIRECTOR_MANAGER_PORT: String(ports.managerA),
    });
    await start("manager", `http://127.0.0.1:${ports.managerB}/health`, {
      DIRECTOR_MANAGER_PORT: String(ports.managerB),
    });
    const doomed = await start("worker");
    const probePort = await freePort();
    const survivor = await start("worker", `http://127.0.0.1:${probePort}/healthz`, {
      DIRECTOR_WORKER_PROBE_PORT: String(probePort),
    });
    // every component ready, each saying what it checked
    const readiness = async (port: number) => {
      const answer = await httpRequest({ url: `http://127.0.0.1:${port}/readyz` });
      return { status: answer.status, ...JSON.parse(answer.text) };
    };
    // a process is ready once it has connected to what it needs (a worker's broker connection comes after it listens)
    const untilReady = async (port: number) => {
      for (let tries = 0; tries < 100 && (await readiness(port)).status !== 200; tries++) await sleep(100);
      return readiness(port);
    };
    const allOk = (names: string[]) => Object.fromEntries(names.map((name) => [name, { ok: true }]));
    expect(await untilReady(ports.managerA)).toEqual({
      status: 200,
      ready: true,
      component: "manager",
      checks: allOk(["database", "redis", "rabbitmq"]),
    });
    expect(await untilReady(probePort)).toMatchObject({
      status: 200,
      component: "worker",
      checks: allOk(["database", "redis", "rabbitmq"]),
    });
    expect(await untilReady(ports.orchestrator)).toMatchObject({ status: 200, checks: allOk(["nginx", "docker"]) });
    expect(await untilReady(ports.router)).toMatchObject({ status: 200, checks: allOk(["nginx"]) });

    const created = spawn(
      path.join(repoRoot, "director"),
      ["admin", "create-user", "--username", "root", "--superuser"],
      {
        env: { ...process.env, ...env },
      },
    );
    created.stdin.end(`${password}\n`);
    expect(await new Promise((resolve) => created.once("exit", resolve))).toBe(0);
    const managerA = await ApiSession.login(`http://127.0.0.1:${ports.managerA}`, "root", password);
    const managerB = await ApiSession.login(`http://127.0.0.1:${ports.managerB}`, "root", password);

    const names = Array.from({ length: siteCount }, (_, index) => `load-${index}`);
    const answers = await Promise.all(
      names.map((name, index) =>
        (index % 2 === 0 ? managerA : managerB).request("POST", "/api/sites", { json: { name } }),
      ),
    );
    for (const answer of answers) expect(answer.status, answer.text).toBe(202);
    // manager A follows an operation queued through manager B, to its end
    const followed = managerA.streamOperation(answers[1]?.json().operation.id);

    await untilFinished(8, 120_000);
    await doomed.stop("SIGKILL");
    // what the killed worker was running: the only steps that may run a second time
    const interrupted = await database.db
      .selectFrom("operation_steps")
      .innerJoin("operations", "operations.id", "operation_steps.operation_id")
      .select(["operation_steps.operation_id", "operation_steps.position"])
      .where("operation_steps.status", "=", "running")
      .execute();
    const mayRepeat = new Set(interrupted.map((step) => `${step.operation_id}/${step.position}`));

    await untilFinished(20, 120_000);
    execFileSync("rabbitmqctl", ["stop_app"], { stdio: "ignore", timeout: 60_000 });
    try {
      // changes are still accepted while the broker is away; they wait in the outbox
      const during = await managerB.request("POST", "/api/sites", { json: { name: "while-away" } });
      expect(during.status, during.text).toBe(202);
      names.push("while-away");
      // the managers say they are not ready, and why
      const unready = await readiness(ports.managerB);
      expect(unready).toMatchObject({ status: 503, ready: false, checks: { database: { ok: true } } });
      expect(unready.checks.rabbitmq).toMatchObject({ ok: false, problem: expect.stringContaining("RabbitMQ") });
    } finally {
      execFileSync("rabbitmqctl", ["start_app"], { stdio: "ignore", timeout: 60_000 });
      execFileSync("rabbitmqctl", ["await_startup"], { stdio: "ignore", timeout: 60_000 });
    }

    await untilFinished(names.length, 240_000);
    const operations = await database.db.selectFrom("operations").select(["id", "status", "error"]).execute();
    expect(operations).toHaveLength(names.length);
    expect(operations.filter((operation) => operation.status !== "succeeded")).toEqual([]);
    const steps = await database.db
      .selectFrom("operation_steps")
      .select(["operation_id", "position", "attempts"])
      .execute();
    for (const step of steps) {
      const key = `${step.operation_id}/${step.position}`;
      expect(step.attempts, key).toBeLessThanOrEqual(mayRepeat.has(key) ? 2 : 1);
    }
    const executions = steps.reduce((sum, step) => sum + step.attempts, 0);
    console.log(
      `${names.length} operations, ${steps.length} steps, ${executions} step executions (${mayRepeat.size} steps were running when the worker was killed)`,
    );
    expect(survivor.output).toContain("operation succeeded");

    for (const [index, name] of names.entries()) {
      const put = await (index % 2 === 0 ? managerA : managerB).request(
        "PUT",
        `/api/sites/${name}/files/public/index.html`,
        { body: `this is ${name}` },
      );
      expect(put.status, put.text).toBeLessThan(300);
      const served = await httpRequest({ url: `http://127.0.0.1:${ports.edge}/`, host: `${name}.sites.test` });
      expect([served.status, served.text], name).toEqual([200, `this is ${name}`]);
    }
    const events = await followed;
    expect(events.at(-1)?.status).toBe("succeeded");

    // What Prometheus reads from each component, with the metrics token only.
    const scrape = async (port: number) => {
      const refused = await httpRequest({ url: `http://127.0.0.1:${port}/metrics` });
      expect([refused.status, refused.json().error.code]).toEqual([401, "AUTH_REQUIRED"]);
      const wrong = await httpRequest({
        url: `http://127.0.0.1:${port}/metrics`,
        headers: { authorization: `Bearer ${env.DIRECTOR_ORCHESTRATOR_TOKEN}` },
      });
      expect(wrong.status).toBe(401);
      const answer = await httpRequest({
        url: `http://127.0.0.1:${port}/metrics`,
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(answer.status).toBe(200);
      return answer.text;
    };
    const worker = await scrape(probePort);
    const ran = [...samples(worker, "director_worker_operations_total").entries()];
    const succeeded = ran.filter(([labels]) => labels.includes('outcome="succeeded"'));
    expect(succeeded.reduce((sum, [, value]) => sum + value, 0)).toBeGreaterThan(0);
    expect(ran.filter(([labels]) => labels.includes('outcome="failed"'))).toEqual([]);
    expect(samples(worker, "director_operation_outbox")).toEqual(
      new Map([
        ['{state="unpublished"}', 0],
        ['{state="published"}', 0],
      ]),
    );
    expect(samples(worker, "director_operations_dead_letters")).toEqual(new Map([["", 0]]));
    expect(samples(worker, "director_worker_process_resident_memory_bytes").get("")).toBeGreaterThan(0);
    const orchestrator = await scrape(ports.orchestrator);
    expect(samples(orchestrator, "director_nginx_reloads_total").get('{outcome="ok"}')).toBeGreaterThan(0);
    expect(samples(orchestrator, "director_nginx_reloads_total").get('{outcome="failed"}')).toBeUndefined();
    const balancerWrites = samples(orchestrator, "director_http_requests_total");
    expect(
      [...balancerWrites.keys()].some((labels) => labels.includes('route="/internal/v1/sites/:id/balancer"')),
    ).toBe(true);
    const router = await scrape(ports.router);
    expect(samples(router, "director_nginx_reloads_total").get('{outcome="ok"}')).toBeGreaterThan(0);
  }, 600_000);

  it("holds a login limit hit through one manager on the other", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await httpRequest({
        url: `http://127.0.0.1:${ports.managerA}/api/auth/login`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "mallory", password: "not the password" }),
      });
      expect(refused.status).toBe(401);
    }
    const limited = await httpRequest({
      url: `http://127.0.0.1:${ports.managerB}/api/auth/login`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "mallory", password: "another guess" }),
    });
    expect(limited.status, limited.text).toBe(429);
    expect(JSON.parse(limited.text).error.code).toBe("LOGIN_RATE_LIMITED");
  });
});
