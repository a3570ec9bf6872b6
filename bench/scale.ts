/**
 * bench/scale: a `director up` with thousands of sites (issue 10). At each stage (by default 1,000, 5,000 and 10,000
 * sites, mostly static, with some running dynamic sites), it measures how long one site's change takes to be what
 * the public sees, 500 queued creations, the nginx configuration's check, each component's memory, `director up`'s
 * restart, `director reconcile` (repairing and dry run) and the site list under 200 requests/s.
 *
 * Baseline, in the same run: at each stage, `nginx -t` of the configuration the per-site-file design wrote (one
 * server block per site, rendered as it was rendered): what every change of one site cost twice (its check, then the
 * reload) before issue 10.
 *
 *   node --import tsx bench/scale.ts [--stages 1000,5000,10000] [--dynamic 100] [--samples 20] [--bulk 500]
 *
 * Static sites are inserted into the database (as bench/manager-api does) and given their directories and their place
 * on the balancer by `director reconcile`, whose time is measured; the dynamic sites, the probes and the bulk
 * creations go through the API as a person's would. Prints a JSON report (stdout) and progress (stderr).
 */
import { execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDatabase } from "@director/db/database";
import { SitesRepository } from "@director/db/sites.repository";
import { parseSiteName } from "@director/domain/site-name";
import { httpRequest } from "@director/testing/http-request";
import { ApiSession } from "../e2e/support/api.js";
import { DirectorProcess } from "../e2e/support/director-process.js";
import { legacySiteBlocksCheckMs } from "./support/legacy-site-blocks.js";
import { type PacedFigures, pacedLoad } from "./support/paced-load.js";
import { memoryByComponent } from "./support/process-memory.js";

const { values } = parseArgs({
  options: {
    stages: { type: "string", default: "1000,5000,10000" },
    dynamic: { type: "string", default: "100" },
    samples: { type: "string", default: "20" },
    bulk: { type: "string", default: "500" },
  },
});
const stages = (values.stages ?? "").split(",").map(Number);
const dynamicCount = Number(values.dynamic);
const samples = Number(values.samples);
const bulkCount = Number(values.bulk);
const password = "benchmark password 1";
const say = (line: string) => process.stderr.write(`[scale] ${line}\n`);

const director = await DirectorProcess.create({ DIRECTOR_LOG_LEVEL: "warn" });
let admin: ApiSession;

/** The public's view of a site, through the edge as a browser would reach it. */
function visit(name: string, sitePath = "/") {
  return httpRequest({
    url: `${director.sitesUrl}${sitePath}`,
    host: `${name}.sites.localhost:${director.ports.sites}`,
  });
}

/** Milliseconds from `started` until the public's answer passes `isLive` (polled every 5 ms, at most 60 s). */
async function liveAfter(started: number, name: string, isLive: (status: number, text: string) => boolean) {
  for (;;) {
    const answer = await visit(name);
    if (isLive(answer.status, answer.text)) return performance.now() - started;
    if (performance.now() - started > 60_000) throw new Error(`${name}: not live after 60 s (${answer.status})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const noSite = (status: number, text: string) => status === 404 && text.includes("No site is served");
/** A site with nothing in public/ yet: its own empty directory answers (403: no index file to show), not "no site". */
const siteWithoutPage = (status: number, text: string) => status === 403 || (status === 404 && !noSite(status, text));

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number, what: string) {
  const { status: got, text } = await answer;
  if (got !== status) throw new Error(`${what}: ${got} ${text.slice(0, 300)}`);
  return JSON.parse(text || "{}");
}

/** One probe site's life: created, a page uploaded, disabled, enabled, deleted; each timed until the public sees it. */
async function probeChanges(stage: number, index: number) {
  const name = `probe-${stage}-${index}`;
  const page = `probe ${name}\n`;
  let started = performance.now();
  const created = await expectStatus(admin.request("POST", "/api/sites", { json: { name } }), 202, "create");
  const create = await liveAfter(started, name, siteWithoutPage);
  // The files API waits for the whole operation (the site is served before its last step ends).
  await admin.waitForOperation(created.operation.id, 60_000);
  started = performance.now();
  await expectStatus(admin.request("PUT", `/api/sites/${name}/files/public/index.html`, { body: page }), 200, "upload");
  const upload = await liveAfter(started, name, (status, text) => status === 200 && text === page);
  const availability = async (value: string, isLive: (status: number, text: string) => boolean) => {
    const begun = performance.now();
    const { operation } = await expectStatus(
      admin.request("PUT", `/api/sites/${name}/availability`, { json: { availability: value } }),
      202,
      "availability",
    );
    const ms = await liveAfter(begun, name, isLive);
    await admin.waitForOperation(operation.id, 60_000);
    return ms;
  };
  const disable = await availability("disabled", (status) => status === 503);
  const enable = await availability("enabled", (status, text) => status === 200 && text === page);
  started = performance.now();
  await expectStatus(admin.request("DELETE", `/api/sites/${name}`, { json: { confirmName: name } }), 202, "delete");
  const remove = await liveAfter(started, name, noSite);
  return { create, upload, disable, enable, delete: remove };
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(sorted.at(-1) ?? 0) };
}

async function seedStatic(databaseUrl: string, from: number, to: number) {
  const db = createDatabase(databaseUrl);
  try {
    const sites = new SitesRepository(db);
    for (let index = from; index < to; index++) {
      const site = await sites.create({
        name: parseSiteName(`scale-${String(index).padStart(5, "0")}`),
        type: "static",
        purpose: "project",
        description: `Scale benchmark site ${index}`,
        memberIds: [],
      });
      await sites.markReady(site.id);
    }
  } finally {
    await db.destroy();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - started), value };
}

async function reconcile(...args: string[]) {
  const result = await director.run(["reconcile", "--json", "--timeout-s", "3600", ...args]);
  if (result.code !== 0 && !args.includes("--dry-run")) throw new Error(`reconcile: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout) as { checkedSites: number; items: unknown[] };
}

async function createDynamicSites(count: number) {
  const runSh = '#!/bin/sh\nexec httpd -f -p "$PORT" -h /site/public\n';
  const one = async (index: number) => {
    const name = `dyn-${String(index).padStart(4, "0")}`;
    await expectStatus(admin.request("POST", "/api/sites?wait=true", { json: { name, type: "dynamic" } }), 201, name);
    await admin.request("PUT", `/api/sites/${name}/files/public/index.html`, { body: `${name}\n` });
    await admin.request("PUT", `/api/sites/${name}/files/run.sh?mode=755`, { body: runSh });
    await expectStatus(admin.request("POST", `/api/sites/${name}/restart?wait=true`), 200, `restart ${name}`);
  };
  for (let index = 0; index < count; index += 4) {
    await Promise.all(Array.from({ length: Math.min(4, count - index) }, (_, i) => one(index + i)));
    say(`dynamic sites: ${Math.min(index + 4, count)}/${count}`);
  }
}

async function bulkCreations(stage: number) {
  const started = performance.now();
  const ids: number[] = [];
  for (let index = 0; index < bulkCount; index += 16) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(16, bulkCount - index) }, (_, i) =>
        expectStatus(
          admin.request("POST", "/api/sites", { json: { name: `bulk-${stage}-${index + i}` } }),
          202,
          "bulk",
        ),
      ),
    );
    ids.push(...answers.map((answer) => answer.operation.id as number));
  }
  const queuedMs = performance.now() - started;
  let failed = 0;
  for (const id of ids) if ((await admin.waitForOperation(id, 600_000)).status !== "succeeded") failed += 1;
  return {
    totalS: Number(((performance.now() - started) / 1000).toFixed(1)),
    queuedS: Number((queuedMs / 1000).toFixed(1)),
    failed,
  };
}

async function siteList(siteCount: number): Promise<{ page: PacedFigures; search: PacedFigures }> {
  const pages = Array.from(
    { length: 200 },
    (_, i) => `/api/sites?limit=50&offset=${Math.floor((i * siteCount) / 200)}`,
  );
  const searches = Array.from(
    { length: 200 },
    (_, i) => `/api/sites?limit=50&q=scale-0${String(i * 37).padStart(3, "0")}`,
  );
  const run = (paths: string[]) =>
    pacedLoad({
      url: director.managerUrl,
      headers: { authorization: `Bearer ${admin.token}` },
      paths,
      rate: 200,
      durationS: 10,
      connections: 16,
    });
  await run(pages); // warm-up
  return { page: await run(pages), search: await run(searches) };
}

function nginxCheckMs(prefix: string): number {
  const started = performance.now();
  execFileSync("/usr/sbin/nginx", ["-t", "-q", "-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", "stderr"]);
  return Math.round(performance.now() - started);
}

async function restart(): Promise<number> {
  await director.stop();
  const started = performance.now();
  await director.start(600_000);
  // A dynamic site that does not come back fails the run (liveAfter throws after 60 s), as it would fail its owner.
  if (dynamicCount > 0) await liveAfter(started, "dyn-0000", (status) => status === 200);
  await liveAfter(started, "scale-00001", siteWithoutPage);
  return Math.round(performance.now() - started);
}

async function main() {
  await director.start();
  await director.run(["admin", "create-user", "--username", "bench", "--superuser"], `${password}\n`);
  admin = await ApiSession.login(director.managerUrl, "bench", password);
  const databaseUrl = (await readFile(path.join(director.dataDir, "run", "database-url"), "utf8")).trim();
  await createDynamicSites(dynamicCount);
  const report: Record<string, unknown>[] = [];
  let seeded = 0;
  let bulkMade = 0;
  for (const stage of stages) {
    const toSeed = stage - dynamicCount - bulkMade - seeded;
    say(`stage ${stage}: seeding ${toSeed} static sites`);
    await seedStatic(databaseUrl, seeded, seeded + toSeed);
    seeded += toSeed;
    const repair = await timed(() => reconcile());
    say(`stage ${stage}: reconcile repaired ${repair.value.items.length} sites in ${repair.ms} ms`);
    const dryRun = await timed(() => reconcile("--dry-run"));
    const changes: Record<string, number[]> = { create: [], upload: [], disable: [], enable: [], delete: [] };
    for (let index = 0; index < samples; index++) {
      const one = await probeChanges(stage, index);
      for (const [kind, ms] of Object.entries(one)) changes[kind]?.push(ms);
    }
    say(`stage ${stage}: changes measured`);
    const bulk = await bulkCreations(stage);
    bulkMade += bulkCount;
    say(`stage ${stage}: ${bulkCount} creations in ${bulk.totalS} s`);
    const memory = await memoryByComponent(director.pid ?? 0);
    const list = await siteList(stage);
    const nginxDir = path.join(director.dataDir, "nginx");
    const restartMs = await restart();
    const figures = {
      sites: seeded + dynamicCount + bulkMade,
      changeLive: Object.fromEntries(Object.entries(changes).map(([kind, ms]) => [kind, percentiles(ms)])),
      bulk,
      nginx: { checkMs: nginxCheckMs(nginxDir), legacyPerSiteFilesCheckMs: await legacySiteBlocksCheckMs(stage) },
      memoryMiB: memory,
      reconcile: { repairS: repair.ms / 1000, repaired: repair.value.items.length, dryRunS: dryRun.ms / 1000 },
      siteList: list,
      restartS: restartMs / 1000,
    };
    say(JSON.stringify(figures));
    report.push(figures);
  }
  process.stdout.write(
    `${JSON.stringify({ date: new Date().toISOString(), dynamicCount, samples, stages: report }, null, 2)}\n`,
  );
}

try {
  await main();
} finally {
  await director.stop();
  await director.removeDockerObjects();
  await rm(director.dataDir, { recursive: true, force: true });
}
