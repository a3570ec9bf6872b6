/**
 * `director up`'s database host for site databases: a second embedded PostgreSQL, apart from Director's own (its own
 * data directory, superuser password and port), that listens on the sites network's gateway address only. Site
 * containers reach it there (the site firewall opens that one port, adapters/site-firewall.ts); nothing else does
 * that the sites network does not reach already: not loopback, not the machine's other addresses.
 *
 * A new instance runs PostgreSQL 15, not the 18 of Director's own database: exports run the machine's pg_dump, which
 * refuses a server newer than itself, and Debian 12 packages pg_dump 15 alone (postgresql-client-15).
 */
import { readFile } from "node:fs/promises";
import { isIPv4 } from "node:net";
import path from "node:path";
import { readClusterMajor, startEmbeddedPostgres } from "@director/db/embedded-postgres";
import type { EmbeddedPostgresMajor } from "@director/db/embedded-postgres-loader";
import type { DB } from "@director/db/schema";
import { DirectorError } from "@director/domain/errors";
import { writeFileAtomic } from "@director/host/atomic-write";
import { type LocalDatabaseHost, registerLocalDatabaseHost } from "@director/manager";
import type { SitesGateway } from "@director/orchestrator";
import type { Kysely } from "kysely";
import pg from "pg";
import type { Logger } from "pino";

/** The name the host is registered under at first. */
export const localDatabaseHostName = "local";
/** Databases the host takes before it stops accepting new ones; administrators change it like any host's. */
const localMaxDatabases = 1000;

/** The major a new instance is made with: the newest whose pg_dump Debian 12 packages. */
export const newSitePostgresMajor = 15;

/** The instance's data directory under `director up`'s. */
export function sitePostgresDir(dataDir: string): string {
  return path.join(dataDir, "site-postgres");
}

/**
 * pg_hba.conf of the instance: its superuser from the machine itself (`samehost`: any of its own addresses, because a
 * connection to the gateway address comes from the machine's primary address, seen here), never from a container; a
 * site's role only to its own database (sameuser), from the sites network, with a SCRAM password, and from the machine
 * itself (the orchestrator logs in as the site's role for the SQL console, exports and imports). Anything else
 * matches no rule and is refused. Rules are matched in order: the gateway, an own address, is in the sites block.
 */
export function sitePostgresHbaRules(gateway: SitesGateway): string[] {
  return [
    "# written by director up at every start",
    "host all postgres samehost scram-sha-256",
    "host sameuser all samehost scram-sha-256",
    `host all postgres ${gateway.subnet} reject`,
    `host sameuser all ${gateway.subnet} scram-sha-256`,
  ];
}

/** The running instance: the admin URL the orchestrator uses (through the gateway), and how to stop it. */
export interface SitePostgres {
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the instance on `gateway.address`:`port` (initialising it on first use; a restart reuses its data) and takes
 * CONNECT and TEMP on `postgres` and `template1` from PUBLIC, so that a site's role opens no database but its own.
 */
export async function startSitePostgres(options: {
  dataDir: string;
  gateway: SitesGateway;
  port: number;
  log: Logger;
}): Promise<SitePostgres> {
  const { gateway } = options;
  if (!isIPv4(gateway.address)) {
    throw new DirectorError("DOCKER_UNAVAILABLE", `The sites network's gateway ${gateway.address} is no IPv4 address.`);
  }
  const dataDir = sitePostgresDir(options.dataDir);
  const instance = await startEmbeddedPostgres({
    dataDir,
    major: await sitePostgresMajor(dataDir, options.log),
    port: options.port,
    listenAddress: gateway.address,
    hbaRules: sitePostgresHbaRules(gateway),
    databaseName: null,
    hasUnixSocket: false,
    log: options.log,
  });
  try {
    const client = new pg.Client({ connectionString: instance.url });
    await client.connect();
    try {
      for (const database of ["postgres", "template1"]) {
        await client.query(`revoke connect, temporary on database ${database} from public`);
      }
    } finally {
      await client.end();
    }
  } catch (error) {
    await instance.stop();
    throw new DirectorError("DATABASE_UNAVAILABLE", `The site PostgreSQL could not be prepared: ${String(error)}`, {
      cause: error,
    });
  }
  return { adminUrl: instance.url, stop: () => instance.stop() };
}

/**
 * The major to run the instance in `dataDir` with: 15 for a new one; an existing one keeps the major that made it
 * (PostgreSQL runs no other), so one made by an older Director with 18 stays on 18, with a warning that the machine's
 * pg_dump 15 cannot export it and how to move it.
 */
export async function sitePostgresMajor(dataDir: string, log: Pick<Logger, "warn">): Promise<EmbeddedPostgresMajor> {
  const existing = await readClusterMajor(dataDir);
  switch (existing) {
    case null:
      return newSitePostgresMajor;
    case 15:
      return 15;
    case 18:
      log.warn(
        { dataDir, major: existing },
        `the site PostgreSQL was made with PostgreSQL 18 and stays on it: exporting its databases needs pg_dump 18 (postgresql-client-18, from PostgreSQL's apt repository). To move it to PostgreSQL ${newSitePostgresMajor}: export its databases, stop Director, remove ${dataDir}, start it again, run "director reconcile" (which makes them again, empty) and import the exports`,
      );
      return 18;
    default:
      throw new DirectorError(
        "CONFIG_INVALID",
        `The site PostgreSQL's data directory ${dataDir} was made by PostgreSQL ${existing}, which Director does not ship (it runs 15 and 18): move it away to start afresh, or register that server as a database host of your own.`,
        { details: { dataDir, major: existing } },
      );
  }
}

/** Where the id of the registered host is kept, so that it is registered once (and not again once deleted). */
function registrationFile(dataDir: string): string {
  return path.join(dataDir, "site-postgres.host.json");
}

/**
 * Registers the instance as a database host once; later starts only bring its site address and admin URL up to date
 * (the gateway can change), keeping what administrators set. A host they deleted stays deleted.
 */
export async function registerSitePostgres(options: {
  db: Kysely<DB>;
  dataDir: string;
  secretsKey: string;
  gateway: SitesGateway;
  port: number;
  adminUrl: string;
  log: Logger;
}): Promise<void> {
  const file = registrationFile(options.dataDir);
  const wanted: LocalDatabaseHost = {
    name: localDatabaseHostName,
    kind: "postgres",
    siteHost: options.gateway.address,
    sitePort: options.port,
    adminUrl: options.adminUrl,
    maxDatabases: localMaxDatabases,
  };
  const registeredId = await readRegisteredId(file);
  const result = await registerLocalDatabaseHost(options.db, options.secretsKey, wanted, registeredId);
  const { log } = options;
  switch (result.action) {
    case "created":
      await writeFileAtomic(file, `${JSON.stringify({ hostId: result.host.id })}\n`, { mode: 0o600 });
      log.info({ host: result.host.name }, "registered the site PostgreSQL as a database host");
      return;
    case "updated":
      log.info({ host: result.host.name }, "the site PostgreSQL's address changed; its database host follows");
      return;
    case "unchanged":
      return;
    case "deleted-by-administrator":
      log.info(
        { file },
        "the site PostgreSQL's database host was deleted by an administrator; not registered again (remove the file to)",
      );
      return;
    case "name-taken":
      log.warn(
        { name: localDatabaseHostName },
        "a database host of that name exists already: the site PostgreSQL is not registered",
      );
  }
}

async function readRegisteredId(file: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const hostId: unknown = JSON.parse(text).hostId;
  if (typeof hostId !== "number" || !Number.isInteger(hostId)) {
    throw new DirectorError("CONFIG_INVALID", `${file} holds no database host id; remove it to register again.`);
  }
  return hostId;
}

/**
 * Starts and registers the site PostgreSQL when `director up` offers one and the sites network has a gateway here;
 * returns how to stop it, or null. A failure is logged, not thrown: Director runs on, and administrators can still
 * register hosts of their own.
 */
export async function offerSitePostgres(options: {
  gateway: SitesGateway | undefined;
  port: number;
  dataDir: string;
  db: Kysely<DB>;
  secretsKey: string;
  log: Logger;
}): Promise<(() => Promise<void>) | null> {
  const { gateway, log } = options;
  if (gateway === undefined) {
    log.warn("no sites network on a Docker engine here: no PostgreSQL host for site databases is offered");
    return null;
  }
  let instance: SitePostgres;
  try {
    instance = await startSitePostgres({ ...options, gateway });
  } catch (error) {
    log.error({ err: error }, "the PostgreSQL host for site databases did not start; site databases need another host");
    return null;
  }
  try {
    await registerSitePostgres({ ...options, gateway, adminUrl: instance.adminUrl });
  } catch (error) {
    log.error({ err: error }, "the PostgreSQL host for site databases runs but could not be registered");
  }
  return () => instance.stop();
}
