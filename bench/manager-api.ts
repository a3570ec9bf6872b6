/**
 * bench/manager-api: the manager's JSON API under load, on `director up` with 1,000 sites.
 *
 * Routes measured, each after a baseline in the same run:
 * - baseline: `GET /api/auth/me` (authentication and one session lookup: the floor every route pays);
 * - the site list of an administrator (`GET /api/sites?limit=50&offset=N`, all 1,000 sites, pages spread over the
 *   whole list) and of a student who is a member of 20 of them;
 * - a site's page (`GET /api/sites/:name`, names spread over all sites).
 * For each, after a warm-up of every route:
 * - paced: 200 requests/s spread evenly over each second (the target: p99 under 50 ms at 200 requests/s),
 *   open-loop, latency counted from when each request was due (bench/support/paced-load.ts);
 * - burst: autocannon at `overallRate` 200, which sends each second's 200 at full speed at the start of the second
 *   (the method of the earlier runs in bench/README.md, kept to compare with them);
 * - open: autocannon as fast as it answers, for the maximum rate.
 * The load comes from this process, on 127.0.0.1.
 *
 *   node --import tsx bench/manager-api.ts [--duration-s 15] [--sites 1000]
 *
 * The sites are inserted into the installation's database directly (through the repositories): 1,000 create
 * operations would measure the worker and nginx, not the API. Prints a JSON report.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDatabase } from "@director/db/database";
import { SitesRepository } from "@director/db/sites.repository";
import { UsersRepository } from "@director/db/users.repository";
import { parseSiteName } from "@director/domain/site-name";
import { parseUsername } from "@director/domain/username";
import autocannon from "autocannon";
import { sql } from "kysely";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";
import { type PacedFigures, pacedLoad } from "./support/paced-load.js";
import { withCpuByComponent } from "./support/process-cpu.js";

const { values } = parseArgs({
  options: { "duration-s": { type: "string", default: "15" }, sites: { type: "string", default: "1000" } },
});
const durationS = Number(values["duration-s"]);
const siteCount = Number(values.sites);
const targetRate = 200;
/** seconds of paced load on each route before anything is measured */
const warmUpS = 5;
const pageSize = 50;
const studentSiteCount = 20;
const password = "benchmark password 1";

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** One autocannon run; `rate` caps the total requests per second (undefined: as fast as it answers). */
async function load(url: string, token: string, paths: string[], rate?: number): Promise<Figures> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: 16,
    duration: durationS,
    ...(rate === undefined ? {} : { overallRate: rate }),
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (request) => {
          next = (next + 1) % paths.length;
          return { ...request, path: paths[next] ?? "/" };
        },
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function seed(databaseUrl: string, studentName: string): Promise<string[]> {
  const db = createDatabase(databaseUrl);
  try {
    const users = new UsersRepository(db);
    const sites = new SitesRepository(db);
    const student = await users.findByUsername(studentName);
    if (student === null) throw new Error(`no user ${studentName}`);
    const names: string[] = [];
    for (let index = 0; index < siteCount; index++) {
      const name = `bench-site-${String(index).padStart(4, "0")}`;
      const site = await sites.create({
        name: parseSiteName(name),
        type: index % 3 === 0 ? "dynamic" : "static",
        purpose: index % 4 === 0 ? "activity" : "project",
        description: `Benchmark site number ${index}, with a description of ordinary length.`,
        memberIds: index < studentSiteCount ? [student.id] : [],
      });
      await sites.markReady(site.id);
      names.push(name);
    }
    // Every real site has at least its finished create operation, whose steps the list shows: seeded in two
    // statements, with the steps a create has.
    await sql`
      insert into operations (site_id, site_name, kind, status, started_at, finished_at)
      select id, name, 'create_site', 'succeeded', now(), now() from sites`.execute(db);
    await sql`
      insert into operation_steps (operation_id, position, slug, name, status, attempts, started_at, finished_at)
      select o.id, s.position, s.slug, s.name, 'succeeded', 1, now(), now()
      from operations o cross join (values
        (0, 'create_site_directories', 'Create the site''s directories'),
        (1, 'start_service', 'Start the site''s process'),
        (2, 'write_balancer_config', 'Configure the balancer to serve the site'),
        (3, 'add_route', 'Route the site''s address to the balancer'),
        (4, 'mark_ready', 'Mark the site ready')) as s(position, slug, name)`.execute(db);
    // What autovacuum does within a minute or two of such a bulk insert: without it the list is planned on stale
    // statistics (a sort of every site on disk instead of the name index) and autovacuum's own work lands in the
    // middle of a measurement; neither is the steady state measured here.
    await sql`vacuum analyze`.execute(db);
    return names;
  } finally {
    await db.destroy();
  }
}

async function main() {
  const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn" });
  await director.start();
  try {
    await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "student"], `${password}\n`);
    const admin = await ApiSession.login(director.managerUrl, "bench", password);
    const student = await ApiSession.login(director.managerUrl, "student", password);
    const databaseUrl = (await readFile(path.join(director.dataDir, "run", "database-url"), "utf8")).trim();
    const names = await seed(databaseUrl, parseUsername("student"));

    const listed = await admin.request("GET", `/api/sites?limit=${pageSize}`);
    if (listed.status !== 200 || listed.json().sites.length !== pageSize) {
      throw new Error(`the site list does not answer a full page: ${listed.status} ${listed.text.slice(0, 200)}`);
    }
    const adminPages = Array.from(
      { length: Math.ceil(siteCount / pageSize) },
      (_, page) => `/api/sites?limit=${pageSize}&offset=${page * pageSize}`,
    );
    const sitePages = names.map((name) => `/api/sites/${name}`);
    const routes = {
      "baseline: GET /api/auth/me": { token: admin.token, paths: ["/api/auth/me"] },
      [`site list, administrator (${siteCount} sites, 50 per page)`]: { token: admin.token, paths: adminPages },
      "site list, student (20 sites)": { token: student.token, paths: [`/api/sites?limit=${pageSize}`] },
      "site page": { token: admin.token, paths: sitePages },
      // A name that matches about ten sites, across the whole list (as someone looks for a site they know).
      "search by name, administrator": {
        token: admin.token,
        paths: Array.from(
          { length: 200 },
          (_, i) =>
            `/api/sites?limit=${pageSize}&q=bench-site-${String(Math.floor((i * siteCount) / 2000)).padStart(3, "0")}`,
        ),
      },
    };
    const paced = (route: { token: string; paths: string[] }, seconds: number) =>
      pacedLoad({
        url: director.managerUrl,
        headers: { authorization: `Bearer ${route.token}` },
        paths: route.paths,
        rate: targetRate,
        durationS: seconds,
        connections: 16,
      });
    // Warm-up: the JIT, the connection pools and PostgreSQL's caches, so that the first route measured is not the
    // one that pays for them (the earlier runs' baseline did).
    for (const route of Object.values(routes)) await paced(route, warmUpS);
    const report: Record<
      string,
      { paced: PacedFigures; burst: Figures; open: Figures; cpuMsPerRequest: { director: number; postgres: number } }
    > = {};
    for (const [name, route] of Object.entries(routes)) {
      const { result: atPace, cpuMs } = await withCpuByComponent(director.pid ?? 0, () => paced(route, durationS));
      const burst = await load(director.managerUrl, route.token, route.paths, targetRate);
      const open = await load(director.managerUrl, route.token, route.paths);
      // CPU per request while paced, by component: `director up` (the manager's Node.js) and its PostgreSQL
      const requests = targetRate * durationS;
      const cpuMsPerRequest = {
        director: Number((cpuMs.director / requests).toFixed(2)),
        postgres: Number((cpuMs.postgres / requests).toFixed(2)),
      };
      report[name] = { paced: atPace, burst, open, cpuMsPerRequest };
      process.stderr.write(`${name}: ${JSON.stringify(report[name])}\n`);
    }
    const baseline = report["baseline: GET /api/auth/me"]?.open.requestsPerSecond ?? 1;
    const output = {
      date: new Date().toISOString(),
      sites: siteCount,
      durationS,
      connections: 16,
      targetRate,
      routes: Object.fromEntries(
        Object.entries(report).map(([name, figures]) => [
          name,
          { ...figures, openRateVsBaseline: Number((figures.open.requestsPerSecond / baseline).toFixed(2)) },
        ]),
      ),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    const failing = Object.entries(report).filter(
      ([, figures]) => figures.paced.errors + figures.paced.non2xx + figures.burst.errors + figures.burst.non2xx > 0,
    );
    if (failing.length > 0) throw new Error(`errors under load: ${failing.map(([name]) => name).join(", ")}`);
  } finally {
    await director.stop();
    await director.removeDockerObjects();
    await rm(director.dataDir, { recursive: true, force: true });
  }
}

await main();
