/**
 * Durability: the components run as separate processes on the PostgreSQL server (production's shape, split
 * topology). A worker is killed with SIGKILL in the middle of a create operation; a new worker takes the
 * operation over when the dead one's lease expires and finishes it without redoing the finished steps. Then
 * `director reconcile`, run against these components, puts an older router's route files (named by site name) in line.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { OperationView } from "@director/contracts/manager-api";
import { httpRequest } from "@director/testing/http-request";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { ComponentProcess } from "./support/component-process.js";
import { repoRoot } from "./support/director-process.js";
import { prepareSplitTopology, type SplitTopology } from "./support/split-topology.js";

const password = "a long enough password";

const installationId = `e2e${randomBytes(4).toString("hex")}`;

describe("a worker killed mid-operation", () => {
  let database: ServerTestDatabase;
  let dataDir: string;
  const processes: ComponentProcess[] = [];
  let env: Record<string, string>;
  let ports: Record<"manager" | "orchestrator" | "router" | "edge" | "balancer", number>;

  let topology: SplitTopology | undefined;

  beforeAll(async () => {
    database = await createServerTestDatabase();
    topology = await prepareSplitTopology({ databaseUrl: database.url, installationId, prefix: "director-crash-" });
    ({ dataDir, ports } = topology);
    env = {
      ...topology.env,
      DIRECTOR_LOG_LEVEL: "info",
      DIRECTOR_WORKER_LEASE_MS: "1500",
      DIRECTOR_WORKER_POLL_MS: "200",
      DIRECTOR_STEP_RETRY_BASE_MS: "200",
      DIRECTOR_STEP_MAX_ATTEMPTS: "100",
    };
  });

  afterAll(async () => {
    for (const process of processes.reverse()) await process.stop();
    await database?.drop();
    await topology?.cleanup();
  });

  const start = async (component: "manager" | "worker" | "orchestrator" | "router", healthUrl?: string) => {
    const started = await ComponentProcess.start(component, env, healthUrl);
    processes.push(started);
    return started;
  };

  /** `director reconcile ARGS` against these components (the manager's variables), with its exit code. */
  async function reconcile(...args: string[]) {
    // No `director up` holds this data directory: reconcile takes the components from the environment.
    const options = { env: { ...process.env, ...env, DIRECTOR_DATA_DIR: dataDir } };
    try {
      const { stdout, stderr } = await promisify(execFile)(
        path.join(repoRoot, "director"),
        ["reconcile", ...args],
        options,
      );
      return { code: 0, stdout, output: `${stdout}\n${stderr}` };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", output: `${failed.stdout}\n${failed.stderr}` };
    }
  }

  it("is finished by the next worker, from the step it was on", async () => {
    await start("manager", `http://127.0.0.1:${ports.manager}/health`);
    await start("orchestrator", `http://127.0.0.1:${ports.orchestrator}/health`);
    const firstWorker = await start("worker");

    const created = spawn(
      path.join(repoRoot, "director"),
      ["admin", "create-user", "--username", "root", "--superuser"],
      {
        env: { ...process.env, ...env },
      },
    );
    created.stdin.end(`${password}\n`);
    expect(await new Promise((resolve) => created.once("exit", resolve))).toBe(0);
    const api = await ApiSession.login(`http://127.0.0.1:${ports.manager}`, "root", password);

    // The router is down: the first three steps succeed, then "add_route" keeps failing and retrying.
    const answer = await api.request("POST", "/api/sites", { json: { name: "survivor" } });
    expect(answer.status, answer.text).toBe(202);
    const operationId: number = answer.json().operation.id;
    const streamed = api.streamOperation(operationId);
    let before: OperationView | undefined;
    for (let i = 0; i < 150; i++) {
      before = (await api.request("GET", `/api/operations/${operationId}`)).json() as OperationView;
      if ((before.steps[3]?.attempts ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!before) throw new Error("the operation was never read");
    expect(before.status).toBe("running");
    expect(before.steps.map((step) => step.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
      "running",
      "pending",
    ]);
    expect(before.steps[3]?.message).toContain("router");

    await firstWorker.stop("SIGKILL");
    await start("router", `http://127.0.0.1:${ports.router}/health`);
    const secondWorker = await start("worker");

    const finished = await api.waitForOperation(operationId, 30_000);
    expect(finished.status, secondWorker.output).toBe("succeeded");
    expect(finished.steps.map((step: { status: string }) => step.status)).toEqual(Array(5).fill("succeeded"));
    // finished steps were not run again; the interrupted one was retried by the new worker
    expect(finished.steps[0].attempts).toBe(1);
    expect(finished.steps[1].attempts).toBe(1);
    expect(finished.steps[2].attempts).toBe(1);
    expect(finished.steps[3].attempts).toBeGreaterThan(before.steps[3]?.attempts ?? 0);
    expect(secondWorker.output).toContain("operation succeeded");

    // one event stream followed the whole story, through the worker's death
    const events = await streamed;
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[0]?.status).toMatch(/pending|running/);
    expect(events.some((event) => event.steps[3]?.status === "running")).toBe(true);
    expect(events.at(-1)?.status).toBe("succeeded");

    // and the site works through the split topology: router nginx -> balancer nginx -> file
    await api.request("PUT", "/api/sites/survivor/files/public/index.html", { body: "still here" });
    const served = await httpRequest({ url: `http://127.0.0.1:${ports.edge}/`, host: "survivor.sites.test" });
    expect(served.status).toBe(200);
    expect(served.text).toBe("still here");
  });

  it("has director reconcile replace route files an older router named by site name, and remove one of a site that is gone", async () => {
    const routesDir = path.join(dataDir, "router-nginx", "routes");
    const [routeFile] = (await readdir(routesDir)).filter((name) => /^site-\d+\.conf$/.test(name));
    if (routeFile === undefined) throw new Error(`no route file of the site in ${routesDir}`);
    const siteId = routeFile.slice("site-".length, -".conf".length);
    // What a router before site-id keys left on disk: its files named by site name, one of them of a deleted site.
    const written = await readFile(path.join(routesDir, routeFile), "utf8");
    const legacy = (id: string, name: string) =>
      written
        .replace(`# Route of site ${siteId},`, `# Route of site ${id} (${name}),`)
        .replace("survivor.sites.test", `${name}.sites.test`);
    await writeFile(path.join(routesDir, "route-survivor.conf"), legacy(siteId, "survivor"));
    await writeFile(path.join(routesDir, "route-gone.conf"), legacy("999", "gone"));
    await rm(path.join(routesDir, routeFile));

    const dryRun = await reconcile("--dry-run", "--json");
    expect(dryRun.code, dryRun.output).toBe(1);
    expect(JSON.parse(dryRun.stdout).items).toEqual([
      expect.objectContaining({
        site: "survivor",
        isOrphan: false,
        drift: [{ kind: "route_missing", message: expect.stringContaining("named by site name") }],
      }),
      expect.objectContaining({
        site: "gone",
        isOrphan: true,
        drift: [expect.objectContaining({ kind: "orphan_route" })],
      }),
    ]);

    const repaired = await reconcile("--json");
    expect(repaired.code, repaired.output).toBe(0);
    expect(
      JSON.parse(repaired.stdout).items.map((item: { site: string; outcome: string }) => [item.site, item.outcome]),
    ).toEqual([
      ["survivor", "repaired"],
      ["gone", "removed"],
    ]);
    expect(await readdir(routesDir)).toEqual(["00-default.conf", routeFile]);
    const served = await httpRequest({ url: `http://127.0.0.1:${ports.edge}/`, host: "survivor.sites.test" });
    expect(served.status).toBe(200);
    expect(served.text).toBe("still here");

    const again = await reconcile("--json");
    expect(again.code, again.output).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ isInSync: true, items: [] });
  });
});
