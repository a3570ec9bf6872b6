/**
 * A site's PostgreSQL database dumped with pg_dump and restored with pg_restore, both logged in as the site's own role
 * (PGPASSWORD in the child's environment, never on argv). The format is pg_dump's custom archive both ways, so an
 * export can be imported again.
 *
 * Why pg_restore and not psql: psql runs meta-commands from its input (`\!` and `\o |command` run programs on this
 * machine), so an uploaded SQL file must never reach it. pg_restore reads an archive and sends SQL to the server only:
 * it runs nothing locally and, without --create, never connects anywhere but the database it is given. What the SQL
 * can do is what the site's role may do: `--single-transaction` (implying --exit-on-error) makes the first refusal
 * (CREATE EXTENSION of an untrusted extension, ALTER ROLE, a GRANT on another database, COPY ... PROGRAM) roll back
 * everything the archive did; `--no-owner` and `--no-acl` skip the archive's ALTER OWNER, GRANT and REVOKE entries.
 * `--clean --if-exists` drops the archive's objects before making them again, so an import replaces what it holds.
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteDatabaseDumpTool, SiteDatabaseLogin } from "../core/site-database-transfers.js";
import { runToolOnFile, startStreamingTool, ToolFailure, type ToolRun } from "./dump-process.js";
import { defaultToolDirs, findPostgresTools, type PostgresTool } from "./dump-tools.js";

/** Options shared by the dump and the restore: nothing of other roles, tablespaces or subscriptions is carried. */
const portableOptions = ["--no-owner", "--no-acl", "--no-tablespaces", "--no-subscriptions", "--no-publications"];
/** How long a login may take. */
const connectTimeoutSeconds = "10";
/** The longest part of a tool's stderr put into an error message. */
const messageMaxChars = 2000;

/** Dumps and restores of site databases on PostgreSQL hosts. */
export class PostgresSiteDumps implements SiteDatabaseDumpTool {
  readonly kind = "postgres";
  readonly #dirs: Promise<readonly string[]>;
  #tools: Promise<{ dump: PostgresTool[]; restore: PostgresTool[] }> | undefined;

  /** `toolDirs`: where pg_dump and pg_restore are looked for (default: dump-tools.ts `defaultToolDirs`). */
  constructor(options: { toolDirs?: readonly string[] } = {}) {
    this.#dirs = options.toolDirs === undefined ? defaultToolDirs() : Promise.resolve(options.toolDirs);
  }

  async dump(login: SiteDatabaseLogin, serverVersion: string, signal: AbortSignal) {
    const serverMajor = majorOf(serverVersion);
    const { dump } = await this.#found();
    // pg_dump refuses a server newer than itself; the closest version at or above the server's dumps it best.
    const tool = closestAtOrAbove(dump, serverMajor);
    if (tool === null) {
      const have = dump.length === 0 ? "no pg_dump" : `pg_dump ${dump.map((found) => found.major).join(", ")}`;
      throw new DirectorError(
        "DATABASE_TOOL_MISSING",
        `This database host runs PostgreSQL ${serverMajor}, and the orchestrator has ${have}: pg_dump cannot dump a newer server. Install PostgreSQL ${serverMajor}'s client tools (postgresql-client-${serverMajor}) on the orchestrator's machine.`,
        { details: { engine: "postgres", serverMajor } },
      );
    }
    const run = this.#run(tool, login, "director-export", ["--format=custom", ...portableOptions]);
    try {
      return await startStreamingTool(run, signal);
    } catch (error) {
      throw new DirectorError("DATABASE_EXPORT_FAILED", `pg_dump failed: ${toolMessage(error)}`, {
        cause: error,
        details: { engine: "postgres" },
      });
    }
  }

  async restore(login: SiteDatabaseLogin, serverVersion: string, dumpFile: string) {
    const { restore } = await this.#found();
    // Any pg_restore can restore into a newer server (it sends the archive's SQL); the archive's own format version
    // is its limit, which it reports.
    const tool = closestAtOrAbove(restore, majorOf(serverVersion)) ?? restore[0] ?? null;
    if (tool === null) {
      throw new DirectorError(
        "DATABASE_TOOL_MISSING",
        "The orchestrator has no pg_restore: install PostgreSQL's client tools (postgresql-client) on its machine.",
        { details: { engine: "postgres" } },
      );
    }
    const run = this.#run(tool, login, "director-import", [
      "--format=custom",
      "--single-transaction",
      "--exit-on-error",
      "--clean",
      "--if-exists",
      "--verbose",
      ...portableOptions,
    ]);
    try {
      // --verbose says each entry as it is restored: "creating TABLE ...", "processing data for table ...".
      const { countedLines } = await runToolOnFile(run, dumpFile, (line) =>
        /^pg_restore: (creating|processing data for) /.test(line),
      );
      return { restoredEntries: countedLines };
    } catch (error) {
      throw new DirectorError(
        "DATABASE_IMPORT_FAILED",
        `The import was refused, and nothing of it kept: ${toolMessage(error)}`,
        {
          cause: error,
          details: { engine: "postgres" },
        },
      );
    }
  }

  #run(tool: PostgresTool, login: SiteDatabaseLogin, applicationName: string, options: string[]): ToolRun {
    return {
      program: tool.path,
      // --opt=value throughout, so that no value can be read as an option; the names are generated ones.
      args: [
        `--host=${login.host}`,
        `--port=${login.port}`,
        `--username=${login.database.name}`,
        `--dbname=${login.database.name}`,
        "--no-password",
        ...options,
      ],
      // The whole environment: no PGSERVICE, PGSSLMODE or PGPASSFILE of the orchestrator's reaches the tool.
      env: { PGPASSWORD: login.password, PGAPPNAME: applicationName, PGCONNECT_TIMEOUT: connectTimeoutSeconds },
    };
  }

  #found() {
    this.#tools ??= (async () => {
      const dirs = await this.#dirs;
      const [dump, restore] = await Promise.all([
        findPostgresTools(dirs, "pg_dump"),
        findPostgresTools(dirs, "pg_restore"),
      ]);
      const newestFirst = (a: PostgresTool, b: PostgresTool) => b.major - a.major;
      return { dump: dump.sort(newestFirst), restore: restore.sort(newestFirst) };
    })();
    return this.#tools;
  }
}

/** `server_version_num` (150020) as its major version (15). */
function majorOf(serverVersionNum: string): number {
  return Math.floor(Number(serverVersionNum) / 10_000);
}

function closestAtOrAbove(tools: readonly PostgresTool[], major: number): PostgresTool | null {
  const fitting = tools.filter((tool) => tool.major >= major);
  return fitting.length === 0 ? null : (fitting[fitting.length - 1] ?? null);
}

/** The tool's own words from its first error on (a verbose restore says much before it). */
function toolMessage(error: unknown): string {
  if (!(error instanceof ToolFailure)) return error instanceof Error ? error.message : String(error);
  const text = error.stderr;
  const start = text.search(/^pg_(dump|restore): error:/m);
  const message = (start < 0 ? text : text.slice(start)).trim() || `status ${error.exitCode}`;
  return message.length > messageMaxChars ? `${message.slice(0, messageMaxChars)}…` : message;
}
