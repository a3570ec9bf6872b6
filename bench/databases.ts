/**
 * bench/databases: site databases on the machine's PostgreSQL and MariaDB, through the orchestrator's own engine code
 * (what the manager's operations and the SQL console call), each figure beside a baseline in the same run:
 * - making `--databases` site databases one after another (database, user, password, isolation rights), per database,
 *   for the first and the last tenth (does it slow down as a host fills?); baseline: the bare statements any tool
 *   needs for the same (`CREATE ROLE … LOGIN PASSWORD`, `CREATE DATABASE … OWNER`), on the same server, timed the
 *   same way;
 * - reconcile's inventory of a host holding them all (one call);
 * - the SQL console: `--statements` `SELECT 1` as a site's user (a connection of its own each, with the time limit
 *   set), against a bare client doing the same: connect as that user, query, disconnect;
 * then every database and user it made is dropped (checked).
 *
 *   node --import tsx bench/databases.ts [--databases 300] [--statements 200] [--kinds postgres,mysql]
 *
 * Prints a table on stderr and a JSON report on stdout.
 */
import { parseArgs } from "node:util";
import { type InstallationId, parseInstallationId } from "@director/domain/installation-id";
import type { SiteId } from "@director/domain/site";
import { generateDatabasePassword, type SiteDatabaseKind } from "@director/domain/site-database";
import { createSiteDatabaseEngine, SiteDatabases } from "@director/orchestrator";
import mysql from "mysql2/promise";
import pg from "pg";
import pino from "pino";

const { values } = parseArgs({
  options: {
    databases: { type: "string", default: "300" },
    statements: { type: "string", default: "200" },
    kinds: { type: "string", default: "postgres,mysql" },
  },
});
const count = Number(values.databases);
const statements = Number(values.statements);
const kinds = values.kinds.split(",") as SiteDatabaseKind[];

const adminUrls: Record<SiteDatabaseKind, string> = {
  postgres: process.env.DIRECTOR_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  mysql: process.env.DIRECTOR_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306",
};

/** The bare statements for one database and its user, and one login as that user: the baselines. */
interface BareServer {
  make(name: string, password: string): Promise<void>;
  drop(name: string): Promise<void>;
  loginAndSelect(name: string, password: string): Promise<void>;
  close(): Promise<void>;
}

async function bareServer(kind: SiteDatabaseKind): Promise<BareServer> {
  if (kind === "postgres") {
    const admin = new pg.Client({ connectionString: adminUrls.postgres });
    await admin.connect();
    const url = new URL(adminUrls.postgres);
    return {
      make: async (name, password) => {
        await admin.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
        await admin.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
      },
      drop: async (name) => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        await admin.query(`DROP ROLE IF EXISTS "${name}"`);
      },
      loginAndSelect: async (name, password) => {
        const client = new pg.Client({
          host: url.hostname,
          port: Number(url.port || 5432),
          user: name,
          password,
          database: name,
        });
        await client.connect();
        await client.query("SELECT 1");
        await client.end();
      },
      close: () => admin.end(),
    };
  }
  const admin = await mysql.createConnection(adminUrls.mysql);
  const url = new URL(adminUrls.mysql);
  return {
    make: async (name, password) => {
      await admin.query(`CREATE USER '${name}'@'%' IDENTIFIED BY '${password}'`);
      await admin.query(`CREATE DATABASE \`${name}\``);
      await admin.query(`GRANT ALL ON \`${name}\`.* TO '${name}'@'%'`);
    },
    drop: async (name) => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`DROP USER IF EXISTS '${name}'@'%'`);
    },
    loginAndSelect: async (name, password) => {
      const connection = await mysql.createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: name,
        password,
        database: name,
      });
      await connection.query("SELECT 1");
      await connection.end();
    },
    close: () => admin.end(),
  };
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const p99 = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
};
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
const tenth = (samples: number[], which: "first" | "last") => {
  const size = Math.max(1, Math.floor(samples.length / 10));
  return which === "first" ? samples.slice(0, size) : samples.slice(-size);
};
const round = (value: number) => Math.round(value * 100) / 100;

async function benchKind(kind: SiteDatabaseKind, installationId: InstallationId) {
  const host = { kind, adminUrl: adminUrls[kind], connectionLimit: 20 };
  const databases = new SiteDatabases({
    installationId,
    createEngine: createSiteDatabaseEngine,
    log: pino({ level: "silent" }),
  });
  const bare = await bareServer(kind);
  const password = generateDatabasePassword();
  const siteIds = Array.from({ length: count }, (_, index) => (index + 1) as SiteId);
  const director: number[] = [];
  const baseline: number[] = [];
  try {
    // Alternating, so that the server's state (its catalog growing) weighs on both alike.
    for (const siteId of siteIds) {
      director.push(await timed(() => databases.ensure(host, siteId, password)));
      baseline.push(await timed(() => bare.make(`${installationId}_bare_${siteId}`, password)));
    }
    const inventoryMs = await timed(async () => {
      const found = await databases.siteIds(host);
      if (found.length !== count) throw new Error(`the inventory found ${found.length} of ${count} databases`);
    });
    const consoleMs: number[] = [];
    const bareConsoleMs: number[] = [];
    const statement = { statement: "SELECT 1", timeoutMs: 10_000, maxRows: 500 };
    for (let index = 0; index < statements; index += 1) {
      const siteId = siteIds[index % siteIds.length] as SiteId;
      consoleMs.push(await timed(() => databases.runStatement(host, siteId, password, statement)));
      bareConsoleMs.push(await timed(() => bare.loginAndSelect(`${installationId}_bare_${siteId}`, password)));
    }
    return {
      kind,
      databases: count,
      makeFirstTenthMs: round(median(tenth(director, "first"))),
      makeLastTenthMs: round(median(tenth(director, "last"))),
      bareMakeFirstTenthMs: round(median(tenth(baseline, "first"))),
      bareMakeLastTenthMs: round(median(tenth(baseline, "last"))),
      makeVsBare: round(median(director) / median(baseline)),
      growthLastVsFirst: round(median(tenth(director, "last")) / median(tenth(director, "first"))),
      inventoryMs: round(inventoryMs),
      consoleMedianMs: round(median(consoleMs)),
      consoleP99Ms: round(p99(consoleMs)),
      bareLoginSelectMedianMs: round(median(bareConsoleMs)),
      consoleVsBare: round(median(consoleMs) / median(bareConsoleMs)),
    };
  } finally {
    await cleanUp();
  }

  /** Drops what the run made; a site database left behind is reported on stderr (it is this run's, by its name). */
  async function cleanUp(): Promise<void> {
    for (const siteId of siteIds) {
      await databases.drop(host, siteId);
      await bare.drop(`${installationId}_bare_${siteId}`);
    }
    const left = await databases.siteIds(host);
    await bare.close();
    await databases.close();
    if (left.length > 0) {
      process.stderr.write(`${kind}: ${left.length} site databases of ${installationId} were left behind\n`);
      process.exitCode = 1;
    }
  }
}

// A name of its own (the naming's 16-character installation part), so nothing of a real installation is touched.
const installationId = parseInstallationId(`bench${Date.now().toString(36)}`.slice(0, 16));
const results = [];
for (const kind of kinds) results.push(await benchKind(kind, installationId));
for (const result of results) {
  process.stderr.write(
    `${result.kind}: make ${result.makeFirstTenthMs} → ${result.makeLastTenthMs} ms (bare ${result.bareMakeFirstTenthMs} → ${result.bareMakeLastTenthMs}; ×${result.makeVsBare}), inventory of ${result.databases}: ${result.inventoryMs} ms, console SELECT 1 median ${result.consoleMedianMs} ms p99 ${result.consoleP99Ms} (bare login+select ${result.bareLoginSelectMedianMs}; ×${result.consoleVsBare})\n`,
  );
}
process.stdout.write(`${JSON.stringify({ installationId, results }, null, 2)}\n`);
