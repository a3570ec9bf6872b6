/**
 * bench/startup: the built programs (npm run build: plain node) against the same components run from their sources
 * with tsx (the baseline, `director <component>`'s way), in the same run: time from spawn to the first answer of
 * GET /health, and the process's resident memory then (VmRSS). The router (no database) and the manager (on a new
 * PostgreSQL database, its migrations already applied by a first start) are measured, `--reps` starts each.
 *
 *   node scripts/build.mjs && node --import tsx bench/startup.ts [--reps 5]
 *
 * Prints a JSON report (stdout) and progress (stderr).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { generateInternalToken } from "@director/http-kit/internal-auth";
import { freePort } from "@director/testing/free-port";
import { createServerTestDatabase } from "@director/testing/test-databases";
import { repoRoot } from "../e2e/support/director-process.js";

const { values } = parseArgs({ options: { reps: { type: "string", default: "5" } } });
const reps = Number(values.reps);
const say = (line: string) => process.stderr.write(`[startup] ${line}\n`);

const database = await createServerTestDatabase();
const scratch = await mkdtemp(path.join(tmpdir(), "director-bench-startup-"));

async function componentEnv(component: "router" | "manager"): Promise<{ env: Record<string, string>; port: number }> {
  const port = await freePort();
  if (component === "router") {
    return {
      port,
      env: {
        DIRECTOR_ROUTER_PORT: String(port),
        DIRECTOR_ROUTER_TOKEN: generateInternalToken(),
        DIRECTOR_EDGE_LISTEN: `127.0.0.1:${await freePort()}`,
        DIRECTOR_ROUTER_NGINX_DIR: path.join(scratch, `router-${port}`),
        DIRECTOR_BALANCERS: "127.0.0.1:1",
        DIRECTOR_SITES_DOMAIN: "sites.test",
      },
    };
  }
  return {
    port,
    env: {
      DATABASE_URL: database.url,
      DIRECTOR_MANAGER_PORT: String(port),
      DIRECTOR_ORCHESTRATOR_URL: "http://127.0.0.1:1",
      DIRECTOR_ORCHESTRATOR_TOKEN: generateInternalToken(),
      DIRECTOR_ROUTER_URL: "http://127.0.0.1:1",
      DIRECTOR_ROUTER_TOKEN: generateInternalToken(),
      DIRECTOR_SITES_DOMAIN: "sites.test",
    },
  };
}

async function rssBytes(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kib * 1024;
}

/** One start: milliseconds to the first /health answer, and the memory then. */
async function startOnce(component: "router" | "manager", how: "built" | "tsx") {
  const { env, port } = await componentEnv(component);
  const [command, args] =
    how === "built"
      ? [process.execPath, [path.join(repoRoot, "dist", component, `${component}.mjs`)]]
      : [
          process.execPath,
          [
            "--import",
            `file://${path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")}`,
            path.join(repoRoot, "apps/cli/src/main.ts"),
            component,
          ],
        ];
  const started = performance.now();
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "", DIRECTOR_LOG_LEVEL: "warn", ...env },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${component} (${how}) exited ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await sleep(5);
    }
    const ms = performance.now() - started;
    await sleep(500); // what it holds once it settled, not mid-start
    return { ms, rss: await rssBytes(child) };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

try {
  await startOnce("manager", "built"); // applies the migrations once, so that no measured start does
  const report: Record<string, Record<string, { startMs: number; rssMiB: number }>> = {};
  for (const component of ["router", "manager"] as const) {
    report[component] = {};
    for (const how of ["tsx", "built"] as const) {
      const runs = [];
      for (let rep = 0; rep < reps; rep++) runs.push(await startOnce(component, how));
      const result = {
        startMs: Math.round(median(runs.map((run) => run.ms))),
        rssMiB: Number((median(runs.map((run) => run.rss)) / 2 ** 20).toFixed(1)),
      };
      report[component][how] = result;
      say(`${component} ${how}: ${result.startMs} ms to /health, ${result.rssMiB} MiB resident`);
    }
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
}
