/**
 * Backup and restore as docs/DEPLOYING.md §8 tells an operator, on production's shape (separate component processes
 * on the PostgreSQL server, split topology): sites with files are backed up with pg_dump and a tar of the sites tree
 * (numeric owners); the machine is then lost entirely (its database, site volumes, nginx files and state). On a fresh
 * one with the same installation id, the database is restored into an empty one with pg_restore, the components
 * start, `director reconcile --dry-run` reports what is missing, `director reconcile` puts it back, the tar is
 * extracted, and every site is served with its files, each file owned by its site's account again.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { httpRequest } from "@director/testing/http-request";
import { createServerTestDatabase, type ServerTestDatabase } from "@director/testing/test-databases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { ComponentProcess } from "./support/component-process.js";
import { repoRoot } from "./support/director-process.js";
import { prepareSplitTopology, type SplitTopology } from "./support/split-topology.js";

const run = promisify(execFile);
const password = "a long enough password";
const installationId = `e2e${randomBytes(4).toString("hex")}`;
const sites = ["alpha", "beta", "gamma"] as const;
/** DIRECTOR_SITE_UID_BASE's default: site N's files belong to uid base + N */
const siteUidBase = 2_000_000_000;

type Component = "manager" | "worker" | "orchestrator" | "router";

/** One machine: its database, its directories and ports, and the component processes running on it. */
interface Machine {
  database: ServerTestDatabase;
  topology: SplitTopology;
  env: Record<string, string>;
  processes: ComponentProcess[];
}

describe("backup and restore on a fresh machine", () => {
  const machines: Machine[] = [];
  let backupDir: string;

  beforeAll(async () => {
    backupDir = await mkdtemp(path.join(tmpdir(), "director-backup-"));
  });

  afterAll(async () => {
    for (const machine of machines) await lose(machine);
    await rm(backupDir, { recursive: true, force: true });
  });

  async function machine(database: ServerTestDatabase): Promise<Machine> {
    const topology = await prepareSplitTopology({
      databaseUrl: database.url,
      installationId,
      prefix: "director-restore-",
    });
    const env = { ...topology.env, DIRECTOR_WORKER_POLL_MS: "200", DIRECTOR_STEP_RETRY_BASE_MS: "200" };
    const made = { database, topology, env, processes: [] };
    machines.push(made);
    return made;
  }

  async function startAll(on: Machine): Promise<void> {
    const { ports } = on.topology;
    const health: Record<Component, string | undefined> = {
      orchestrator: `http://127.0.0.1:${ports.orchestrator}/health`,
      router: `http://127.0.0.1:${ports.router}/health`,
      manager: `http://127.0.0.1:${ports.manager}/health`,
      worker: undefined,
    };
    for (const component of ["orchestrator", "router", "manager", "worker"] as const) {
      on.processes.push(await ComponentProcess.start(component, on.env, health[component]));
    }
  }

  /** Everything of the machine gone: processes, database, site volumes, nginx files, state. Idempotent. */
  async function lose(on: Machine): Promise<void> {
    for (const one of on.processes.splice(0).reverse()) await one.stop();
    await on.database.drop();
    await on.topology.cleanup();
  }

  /** `director reconcile ARGS --json` against the machine's components, with its exit code and report. */
  async function reconcile(on: Machine, ...args: string[]) {
    const options = { env: { ...process.env, ...on.env, DIRECTOR_DATA_DIR: on.topology.dataDir } };
    try {
      const { stdout } = await run(path.join(repoRoot, "director"), ["reconcile", ...args, "--json"], options);
      return { code: 0, report: JSON.parse(stdout) };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      if (!failed.stdout) throw new Error(`director reconcile failed: ${failed.stderr}`);
      return { code: failed.code ?? -1, report: JSON.parse(failed.stdout) };
    }
  }

  const served = (on: Machine, site: string, file = "") =>
    httpRequest({ url: `http://127.0.0.1:${on.topology.ports.edge}/${file}`, host: `${site}.sites.test` });

  it("serves every site with its files again, after pg_restore, director reconcile and the tar", async () => {
    const first = await machine(await createServerTestDatabase());
    await startAll(first);
    const created = spawn(
      path.join(repoRoot, "director"),
      ["admin", "create-user", "--username", "root", "--superuser"],
      {
        env: { ...process.env, ...first.env },
      },
    );
    created.stdin.end(`${password}\n`);
    expect(await new Promise((resolve) => created.once("exit", resolve))).toBe(0);
    const api = await ApiSession.login(`http://127.0.0.1:${first.topology.ports.manager}`, "root", password);
    for (const site of sites) {
      const answer = await api.request("POST", "/api/sites", { json: { name: site } });
      expect(answer.status, answer.text).toBe(202);
      expect((await api.waitForOperation(answer.json().operation.id, 60_000)).status).toBe("succeeded");
      for (const [file, body] of [
        ["public/index.html", `${site}'s page`],
        ["public/about/team.html", `${site}'s team`],
        ["private/notes.txt", `${site}'s private notes`],
      ]) {
        const put = await api.request("PUT", `/api/sites/${site}/files/${file}`, { body });
        expect(put.status, put.text).toBeLessThan(300);
      }
      expect((await served(first, site)).text).toBe(`${site}'s page`);
    }
    const ids = Object.fromEntries(
      (await first.database.db.selectFrom("sites").select(["id", "name"]).execute()).map((row) => [row.name, row.id]),
    );

    // The backup, as §8 writes it.
    const dump = path.join(backupDir, "director.dump");
    const tarball = path.join(backupDir, "sites.tar");
    await run("pg_dump", ["--format=custom", `--file=${dump}`, first.database.url]);
    await run("tar", ["--create", "--numeric-owner", `--file=${tarball}`, "-C", first.topology.dataDir, "sites"]);

    // The machine is lost: nothing of it is left but the backup.
    await lose(first);

    // A fresh machine, the same installation id; the database restored into an empty one.
    const second = await machine(await createServerTestDatabase({ migrated: false }));
    await run("pg_restore", ["--no-owner", `--dbname=${second.database.url}`, dump]);
    await startAll(second);

    const dryRun = await reconcile(second, "--dry-run");
    expect(dryRun.code).toBe(1);
    const reported = dryRun.report.items as Array<{ site: string; isOrphan: boolean; drift: Array<{ kind: string }> }>;
    expect(reported.map((item) => item.site).sort()).toEqual([...sites]);
    for (const item of reported) {
      expect(item.isOrphan).toBe(false);
      expect(item.drift.map((finding) => finding.kind)).toEqual(
        expect.arrayContaining(["directory_missing", "balancer_config_missing", "route_missing"]),
      );
    }
    const repaired = await reconcile(second);
    expect(repaired.code).toBe(0);
    expect(repaired.report.items.map((item: { outcome: string }) => item.outcome)).toEqual(sites.map(() => "repaired"));

    await run("tar", ["--extract", "--numeric-owner", `--file=${tarball}`, "-C", second.topology.dataDir]);
    const restored = await ApiSession.login(`http://127.0.0.1:${second.topology.ports.manager}`, "root", password);
    for (const site of sites) {
      expect([(await served(second, site)).status, (await served(second, site)).text]).toEqual([200, `${site}'s page`]);
      expect((await served(second, site, "about/team.html")).text).toBe(`${site}'s team`);
      const notes = await restored.request("GET", `/api/sites/${site}/files/private/notes.txt`);
      expect([notes.status, notes.text]).toEqual([200, `${site}'s private notes`]);
      // the site's own account owns its files again: the same site id, the same uid
      const owner = (await stat(path.join(second.topology.dataDir, "sites", String(ids[site]), "private", "notes.txt")))
        .uid;
      expect(owner).toBe(siteUidBase + Number(ids[site]));
    }
    const again = await reconcile(second);
    expect(again).toMatchObject({ code: 0, report: { isInSync: true, items: [] } });
  }, 300_000);
});
