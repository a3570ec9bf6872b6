/**
 * bench/operations: site operations per minute with 1, 2 and 4 workers, and how long one person's operation waits
 * while another person has 200 queued (issue 17). Production's shape: a manager, N workers, the orchestrator and the
 * router as separate processes of the built programs (npm run build; split topology) on this machine's PostgreSQL, each worker
 * running one operation at a time (DIRECTOR_WORKER_CONCURRENCY=1, so that a worker is the unit being counted).
 *
 * Each configuration runs twice in the same script: workers polling the database (the baseline, no broker) and
 * workers fed by RabbitMQ through the outbox. An operation is a static site's creation, end to end on the real
 * orchestrator and router; sites are kept, so later rounds run with hundreds of sites in place.
 *
 *   node --import tsx bench/operations.ts [--sites 40] [--queued 200]
 *
 * Prints a JSON report (stdout) and progress (stderr).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createServerTestDatabase } from "@director/testing/test-databases";
import amqplib from "amqplib";
import { ApiSession } from "../e2e/support/api.js";
import { ComponentProcess } from "../e2e/support/component-process.js";
import { repoRoot } from "../e2e/support/director-process.js";
import { prepareSplitTopology } from "../e2e/support/split-topology.js";

const { values } = parseArgs({
  options: { sites: { type: "string", default: "40" }, queued: { type: "string", default: "200" } },
});
const sitesPerRound = Number(values.sites);
const queuedByOne = Number(values.queued);
const password = "benchmark password 1";
const rabbitUrl = process.env.DIRECTOR_TEST_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const say = (line: string) => process.stderr.write(`[operations] ${line}\n`);

const installationId = `bench${randomBytes(4).toString("hex")}`;
const queueName = `director-bench.${installationId}`;
const database = await createServerTestDatabase();
const topology = await prepareSplitTopology({
  databaseUrl: database.url,
  installationId,
  prefix: "director-bench-operations-",
});
const { ports } = topology;
const env: Record<string, string> = {
  ...topology.env,
  DIRECTOR_LOG_LEVEL: "warn",
  DIRECTOR_WORKER_POLL_MS: "500",
  DIRECTOR_WORKER_CONCURRENCY: "1",
  DIRECTOR_LOGIN_MAX_PER_USERNAME: "1000",
};
const fixed: ComponentProcess[] = [];
let round = 0;

/** Runs `work` with a manager and `workers` workers of the given transport, then stops them. */
async function withWorkers<T>(
  transport: "polling" | "rabbitmq",
  workers: number,
  work: (sessions: { busy: ApiSession; other: ApiSession }) => Promise<T>,
): Promise<T> {
  const transportEnv: Record<string, string> =
    transport === "rabbitmq" ? { DIRECTOR_RABBITMQ_URL: rabbitUrl, DIRECTOR_RABBITMQ_QUEUE: queueName } : {};
  const started: ComponentProcess[] = [];
  try {
    started.push(
      await ComponentProcess.start("manager", { ...env, ...transportEnv }, `http://127.0.0.1:${ports.manager}/health`, {
        built: true,
      }),
    );
    for (let index = 0; index < workers; index++) {
      started.push(await ComponentProcess.start("worker", { ...env, ...transportEnv }, undefined, { built: true }));
    }
    await sleep(1_500); // the workers connect and subscribe
    const base = `http://127.0.0.1:${ports.manager}`;
    return await work({
      busy: await ApiSession.login(base, "busy", password),
      other: await ApiSession.login(base, "other", password),
    });
  } finally {
    for (const one of started.reverse()) await one.stop();
  }
}

async function unfinished(): Promise<number> {
  const row = await database.db
    .selectFrom("operations")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "in", ["pending", "running"])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function untilNoneUnfinished(): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  while ((await unfinished()) > 0) {
    if (Date.now() > deadline) throw new Error("operations still unfinished after 20 minutes");
    await sleep(50);
  }
  const failed = await database.db.selectFrom("operations").select("id").where("status", "=", "failed").execute();
  if (failed.length > 0) throw new Error(`${failed.length} operations failed`);
}

async function createSites(session: ApiSession, count: number): Promise<number[]> {
  round += 1;
  const ids: number[] = [];
  for (let index = 0; index < count; index += 10) {
    const batch = Array.from({ length: Math.min(10, count - index) }, (_, offset) => `r${round}-${index + offset}`);
    const answers = await Promise.all(batch.map((name) => session.request("POST", "/api/sites", { json: { name } })));
    for (const answer of answers) {
      if (answer.status !== 202) throw new Error(`${answer.status} ${answer.text}`);
      ids.push(answer.json().operation.id);
    }
  }
  return ids;
}

/** Operations per minute: `sitesPerRound` creations queued at once, until the last has finished. */
async function throughput(transport: "polling" | "rabbitmq", workers: number) {
  return withWorkers(transport, workers, async ({ busy }) => {
    const started = performance.now();
    await createSites(busy, sitesPerRound);
    await untilNoneUnfinished();
    const seconds = (performance.now() - started) / 1000;
    const perMinute = Math.round((sitesPerRound / seconds) * 60);
    say(`${transport}, ${workers} worker(s): ${sitesPerRound} sites in ${seconds.toFixed(1)} s, ${perMinute}/min`);
    return perMinute;
  });
}

/** How long one person's single operation takes while another person has `queuedByOne` queued before it. */
async function fairness(transport: "polling" | "rabbitmq") {
  return withWorkers(transport, 2, async ({ busy, other }) => {
    await createSites(busy, queuedByOne);
    const asked = performance.now();
    const [id] = await createSites(other, 1);
    for (;;) {
      const answer = await other.request("GET", `/api/operations/${id}`);
      if (answer.json().status === "succeeded") break;
      await sleep(50);
    }
    const waitedSeconds = (performance.now() - asked) / 1000;
    const stillQueued = await unfinished();
    say(
      `${transport}: the other person's operation took ${waitedSeconds.toFixed(1)} s (${stillQueued} still unfinished)`,
    );
    await untilNoneUnfinished();
    return { waitedSeconds: Number(waitedSeconds.toFixed(2)), stillUnfinishedThen: stillQueued };
  });
}

try {
  fixed.push(
    await ComponentProcess.start("orchestrator", env, `http://127.0.0.1:${ports.orchestrator}/health`, { built: true }),
  );
  fixed.push(await ComponentProcess.start("router", env, `http://127.0.0.1:${ports.router}/health`, { built: true }));
  for (const [username, extra] of [
    ["busy", ["--superuser"]],
    ["other", ["--superuser"]],
  ] as const) {
    const created = spawn(path.join(repoRoot, "director"), ["admin", "create-user", "--username", username, ...extra], {
      env: { ...process.env, ...env },
    });
    created.stdin.end(`${password}\n`);
    const code = await new Promise((resolve) => created.once("exit", resolve));
    if (code !== 0) throw new Error(`create-user ${username} exited ${code}`);
  }

  type PerWorkers = { 1: number; 2: number; 4: number };
  const perMinute: Record<"polling" | "rabbitmq", PerWorkers> = {
    polling: { 1: 0, 2: 0, 4: 0 },
    rabbitmq: { 1: 0, 2: 0, 4: 0 },
  };
  for (const workers of [1, 2, 4] as const) {
    for (const transport of ["polling", "rabbitmq"] as const) {
      perMinute[transport][workers] = await throughput(transport, workers);
    }
  }
  const waits = { polling: await fairness("polling"), rabbitmq: await fairness("rabbitmq") };
  const sites = await database.db
    .selectFrom("sites")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  const report = {
    sitesPerRound,
    sitesAtEnd: Number(sites.n),
    operationsPerMinute: perMinute,
    speedUp: Object.fromEntries(
      (["polling", "rabbitmq"] as const).map((transport) => [
        transport,
        {
          twoWorkers: Number((perMinute[transport][2] / perMinute[transport][1]).toFixed(2)),
          fourWorkers: Number((perMinute[transport][4] / perMinute[transport][1]).toFixed(2)),
        },
      ]),
    ),
    oneOperationBehind: { queuedByAnother: queuedByOne, ...waits },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const one of fixed.reverse()) await one.stop();
  await database.drop();
  await topology.cleanup();
  const connection = await amqplib.connect(rabbitUrl);
  const channel = await connection.createChannel();
  await channel.deleteQueue(queueName);
  await channel.deleteQueue(`${queueName}.dead`);
  await connection.close();
}
