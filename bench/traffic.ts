/**
 * bench/traffic: what counting each site's requests costs with many sites. A traffic log in nginx's format, for
 * `--sites` sites at two request rates, is read by the orchestrator's reader and counted by the manager's collector
 * into a real PostgreSQL database, one pass per 10 s of traffic (the collector's interval); every pass's counts are
 * checked against the lines written. Prints the CPU each side spends per pass and as a share of one core.
 *
 *   node --import tsx bench/traffic.ts [--sites 1000] [--passes 6]
 *
 * No nginx runs here: what it costs nginx to write the lines is bench/static-site's counted-to-uncounted ratio.
 */
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { TrafficCursor } from "@director/contracts/orchestrator-usage";
import { repositoriesOn, unitOfWork } from "@director/db/unit-of-work";
import { trafficLogLayout } from "@director/host/nginx-traffic-log";
import { defaultTrafficCollectorOptions, TrafficCollector } from "@director/manager";
import { NginxTrafficLog } from "@director/orchestrator";
import { createTestSite } from "@director/testing/db-factories";
import { createServerTestDatabase } from "@director/testing/test-databases";
import { sql } from "kysely";

const { values } = parseArgs({
  options: { sites: { type: "string", default: "1000" }, passes: { type: "string", default: "6" } },
});
const siteCount = Number(values.sites);
const passes = Number(values.passes);
const intervalS = defaultTrafficCollectorOptions.intervalMs / 1000;
const rates = [2_000, 20_000]; // requests per second across all sites
const sitesDomain = "sites.localhost";
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

/** `count` lines over `intervalS` seconds from `startS`, each to a random site, most answered 200. */
function trafficLines(count: number, startS: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = (startS + (index / count) * intervalS).toFixed(3);
    const site = Math.floor(Math.random() ** 2 * siteCount); // some sites busier than others
    const status = index % 50 === 0 ? 404 : index % 200 === 0 ? 502 : 200;
    lines.push(`${at} s${site}.${sitesDomain} ${status} ${200 + (index % 5000)} 0.00${index % 10}`);
  }
  return `${lines.join("\n")}\n`;
}

async function main() {
  const database = await createServerTestDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), "bench-traffic-"));
  try {
    for (let site = 0; site < siteCount; site += 1) await createTestSite(database.db, { name: `s${site}` });
    const layout = trafficLogLayout(dir);
    await mkdir(layout.dir, { recursive: true });
    const reader = new NginxTrafficLog({ layout, reopenLogs: null, log: silent });
    const inTransaction = unitOfWork(database.db);
    /** where this pass's first read began (undefined until it reads) */
    let passStart: TrafficCursor | null | undefined;
    const collector = new TrafficCollector({
      // The reader in this process, as the orchestrator's route would answer it; where each pass began is kept so
      // its reads can be timed again alone.
      log: {
        read: async (after) => {
          if (passStart === undefined) passStart = after;
          return reader.read(after, 4 * 1024 * 1024);
        },
      },
      inTransaction: (work) => inTransaction(({ siteTraffic }) => work(siteTraffic)),
      traffic: repositoriesOn(database.db).siteTraffic,
      sitesDomain,
      logger: silent,
      options: defaultTrafficCollectorOptions,
    });
    const results = [];
    let clockS = Math.floor(Date.now() / 1000) - 3600;
    for (const rate of rates) {
      const perPass = { readerMs: [] as number[], collectorMs: [] as number[], wallMs: [] as number[] };
      for (let pass = 0; pass < passes; pass += 1) {
        const lines = rate * intervalS;
        await appendFile(layout.livePath, trafficLines(lines, clockS));
        clockS += intervalS;
        passStart = undefined;
        const cpu = process.cpuUsage();
        const started = performance.now();
        const counted = await collector.collect();
        const wallMs = performance.now() - started;
        const totalMs = cpuMs(cpu);
        if (counted.requests !== lines || counted.hasMore) {
          throw new Error(`pass counted ${counted.requests} of ${lines} requests (more: ${counted.hasMore})`);
        }
        // The same bytes read again alone: the reader's share (a read changes nothing but the removal of old files).
        const readCpu = process.cpuUsage();
        let cursor: TrafficCursor | null = (passStart as TrafficCursor | null | undefined) ?? null;
        for (let read = 0; read < counted.reads; read += 1) cursor = (await reader.read(cursor, 4 * 1024 * 1024)).next;
        const readerMs = cpuMs(readCpu);
        perPass.readerMs.push(readerMs);
        perPass.collectorMs.push(totalMs - readerMs);
        perPass.wallMs.push(wallMs);
      }
      const minuteRows = await sql<{ count: string }>`select count(*) from site_traffic_minutes`.execute(database.db);
      results.push({
        requestsPerSecond: rate,
        linesPerPass: rate * intervalS,
        readerCpuMsPerPass: Math.round(median(perPass.readerMs)),
        collectorCpuMsPerPass: Math.round(median(perPass.collectorMs)),
        passWallMs: Math.round(median(perPass.wallMs)),
        shareOfOneCore: Number(
          ((median(perPass.readerMs) + median(perPass.collectorMs)) / (intervalS * 1000)).toFixed(4),
        ),
        minuteRowsSoFar: Number(minuteRows.rows[0]?.count ?? 0),
      });
    }
    process.stdout.write(
      `${JSON.stringify({ date: new Date().toISOString(), sites: siteCount, passes, intervalS, results }, null, 2)}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  }
}

await main();
