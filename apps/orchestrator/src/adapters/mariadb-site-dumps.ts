/**
 * A site's MariaDB (or MySQL) database dumped with mariadb-dump (mysqldump) as SQL, and restored with the mariadb
 * (mysql) client, both logged in as the site's own user (MYSQL_PWD in the child's environment, never on argv).
 *
 * The client reads commands as well as SQL: `system` and `\!` run programs on this machine, `source` and `tee` open
 * its files. So it runs only with `--sandbox` (MariaDB 10.11.8+ refuses every command that reaches the file system or
 * runs a program) AND `--binary-mode` (no client command at all is read but `\C` and `delimiter`); a client without
 * --sandbox is never given a dump (DATABASE_TOOL_MISSING). `--no-defaults` reads no option file, `--local-infile=0`
 * refuses LOAD DATA LOCAL (the server could otherwise ask for any file of this machine). What the SQL may do is what
 * the site's user may do: ALL on its own schema, no global privilege (no GRANT, no FILE). The client stops at the first
 * error (no --force); MariaDB commits each DDL statement by itself, so the statements before a refused one stay.
 *
 * The dump: `--single-transaction` (a consistent InnoDB snapshot without LOCK TABLES rights on anything else),
 * `--no-tablespaces` (needs PROCESS, a global privilege the site's user has not), routines and triggers, binary
 * strings in hex so the file stays text.
 */
import { DirectorError } from "@director/domain/errors";
import { runCommand } from "@director/host/run-command";
import type { SiteDatabaseDumpTool, SiteDatabaseLogin } from "../core/site-database-transfers.js";
import { runToolOnFile, startStreamingTool, ToolFailure, type ToolRun } from "./dump-process.js";
import { findTool } from "./dump-tools.js";

const defaultDirs = ["/usr/local/bin", "/usr/bin", "/bin"];
const messageMaxChars = 2000;

/** Dumps and restores of site databases on MariaDB and MySQL hosts. */
export class MariadbSiteDumps implements SiteDatabaseDumpTool {
  readonly kind = "mysql";
  readonly #dirs: readonly string[];
  #tools: Promise<{ dump: string | null; client: string | null; clientRefusal: string | null }> | undefined;

  /** `toolDirs`: where mariadb-dump/mysqldump and mariadb/mysql are looked for. */
  constructor(options: { toolDirs?: readonly string[] } = {}) {
    this.#dirs = options.toolDirs ?? defaultDirs;
  }

  async dump(login: SiteDatabaseLogin, _serverVersion: string, signal: AbortSignal) {
    const { dump } = await this.#found();
    if (dump === null) {
      throw new DirectorError(
        "DATABASE_TOOL_MISSING",
        "The orchestrator has no mariadb-dump or mysqldump: install MariaDB's client (mariadb-client) on its machine.",
        { details: { engine: "mysql" } },
      );
    }
    const run = this.#run(dump, login, [
      "--single-transaction",
      "--no-tablespaces",
      "--routines",
      "--triggers",
      "--hex-blob",
      "--default-character-set=utf8mb4",
      login.database.name,
    ]);
    try {
      return await startStreamingTool(run, signal);
    } catch (error) {
      throw new DirectorError("DATABASE_EXPORT_FAILED", `mariadb-dump failed: ${toolMessage(error)}`, {
        cause: error,
        details: { engine: "mysql" },
      });
    }
  }

  async restore(login: SiteDatabaseLogin, _serverVersion: string, dumpFile: string) {
    const { client, clientRefusal } = await this.#found();
    if (client === null) {
      throw new DirectorError("DATABASE_TOOL_MISSING", clientRefusal ?? "No MariaDB client.", {
        details: { engine: "mysql" },
      });
    }
    const run = this.#run(client, login, [
      "--sandbox",
      "--binary-mode",
      "--batch",
      "--connect-timeout=10",
      "--local-infile=0",
      "--default-character-set=utf8mb4",
      `--database=${login.database.name}`,
    ]);
    try {
      await runToolOnFile(run, dumpFile);
      return { restoredEntries: null };
    } catch (error) {
      throw new DirectorError(
        "DATABASE_IMPORT_FAILED",
        `The import stopped at a refused statement (the statements before it stay): ${toolMessage(error)}`,
        { cause: error, details: { engine: "mysql" } },
      );
    }
  }

  #run(program: string, login: SiteDatabaseLogin, options: string[]): ToolRun {
    return {
      program,
      // --no-defaults must come first; --opt=value throughout, so that no value can be read as an option.
      args: [
        "--no-defaults",
        `--host=${login.host}`,
        `--port=${login.port}`,
        `--user=${login.database.name}`,
        "--protocol=TCP",
        ...options,
      ],
      env: { MYSQL_PWD: login.password },
    };
  }

  #found() {
    this.#tools ??= (async () => {
      const dump = await findTool(this.#dirs, ["mariadb-dump", "mysqldump"]);
      const found = await findTool(this.#dirs, ["mariadb", "mysql"]);
      if (found === null) {
        return {
          dump,
          client: null,
          clientRefusal:
            "The orchestrator has no mariadb client: install MariaDB's client (mariadb-client, 10.11.8 or newer) on its machine.",
        };
      }
      const help = await runCommand([found, "--no-defaults", "--help"], { env: {}, timeoutMs: 10_000 }).catch(
        () => null,
      );
      if (help === null || !/^\s*--sandbox\b/m.test(help.stdout)) {
        return {
          dump,
          client: null,
          clientRefusal: `The orchestrator's ${found} has no --sandbox option, without which a dump could run programs on its machine: install MariaDB's client 10.11.8 or newer.`,
        };
      }
      return { dump, client: found, clientRefusal: null };
    })();
    return this.#tools;
  }
}

/** The tool's own words ("ERROR 1044 (42000) at line 3: Access denied ..."). */
function toolMessage(error: unknown): string {
  if (!(error instanceof ToolFailure)) return error instanceof Error ? error.message : String(error);
  const message = error.stderr.trim() || `status ${error.exitCode}`;
  return message.length > messageMaxChars ? `${message.slice(0, messageMaxChars)}…` : message;
}
