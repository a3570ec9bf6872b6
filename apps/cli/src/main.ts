/**
 * `director`: one command for every process and admin task.
 *   director up                         everything on one machine, embedded defaults
 *   director admin create-user ...      add an account (password read from stdin or a prompt, never argv)
 *   director migrate                    bring the database schema up to date
 *   director reconcile ...              compare the database with Docker, nginx and the site directories; repair
 *   director images make-base debian|busybox [--force]   make a base image locally (no registry needed)
 *   director manager|worker|orchestrator|router|shell   one component, configured by its environment (production)
 */
import { parseArgs } from "node:util";
import { isDirectorError } from "@director/domain/errors";
import { parseUserRole } from "@director/domain/user-role";
import { loadGuidelines } from "@director/manager";
import type { Logger } from "pino";
import { createUser, guidelinesFilePathOf } from "./commands/admin-create-user.js";
import { runComponent } from "./commands/component.js";
import { isBaseImageKind, makeBaseImage } from "./commands/images-make-base.js";
import { describeProgress, exitCodeOf, findReconcileTarget, formatReport, runReconcile } from "./commands/reconcile.js";
import { startDirector } from "./commands/up.js";
import { loadCommandConfig, loadUpConfig, type UpConfig } from "./config.js";
import { withDatabase } from "./runtime/database.js";
import { createLogger } from "./runtime/logger.js";
import { readSecret } from "./runtime/read-secret.js";

const usage = `Usage:
  director up                                  start Director on this machine (embedded defaults)
  director admin create-user --username NAME [--superuser] [--role student|teacher|service] [--email ADDR] [--name "Full Name"]
                                               the password is read from stdin, or prompted for
  director migrate                             apply database migrations
  director reconcile [--site NAME] [--dry-run] [--json]
                                               report where Docker, nginx and the site directories differ from
                                               the database, and repair it (waits for the repairs)
  director images make-base debian|busybox [--force]
                                               make a base image on the local Docker engine (no registry)
  director manager | worker | orchestrator | router | shell
                                               run one component (configured by environment variables)
Configuration: environment variables, see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "up") return await runUp(loadUpConfig(process.env));
  const config = loadCommandConfig(process.env);
  const log = createLogger(config.logLevel);
  const databaseOptions = {
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    log,
  };
  switch (command) {
    case "admin": {
      if (rest[0] !== "create-user") break;
      const { values } = parseArgs({
        args: rest.slice(1),
        options: {
          username: { type: "string" },
          superuser: { type: "boolean", default: false },
          role: { type: "string", default: "student" },
          email: { type: "string" },
          name: { type: "string" },
        },
      });
      if (!values.username) break;
      const role = parseUserRole(values.role);
      // read before the password prompt, so that an unreadable guidelines file is reported first
      await loadGuidelines(guidelinesFilePathOf(config));
      const password = await readSecret(`Password for ${values.username}: `);
      const user = await withDatabase(databaseOptions, (db) =>
        createUser(
          db,
          log,
          {
            username: values.username ?? "",
            password,
            isSuperuser: values.superuser ?? false,
            role,
            ...(values.email ? { email: values.email } : {}),
            ...(values.name ? { displayName: values.name } : {}),
          },
          guidelinesFilePathOf(config),
        ),
      );
      process.stdout.write(
        `Created ${user.isSuperuser ? "administrator" : user.role} ${user.username} (id ${user.id}).\n`,
      );
      return 0;
    }
    case "reconcile": {
      const { values } = parseArgs({
        args: rest,
        options: {
          site: { type: "string" },
          "dry-run": { type: "boolean", default: false },
          json: { type: "boolean", default: false },
          "timeout-s": { type: "string", default: "600" },
        },
      });
      const timeoutSeconds = Number(values["timeout-s"]);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) break;
      const target = await findReconcileTarget(config.dataDir, process.env);
      const report = await withDatabase(
        { ...databaseOptions, databaseUrl: target.databaseUrl ?? config.databaseUrl },
        (db) =>
          runReconcile(
            db,
            log,
            target,
            {
              ...(values.site === undefined ? {} : { siteName: values.site }),
              isDryRun: values["dry-run"] ?? false,
              timeoutMs: timeoutSeconds * 1000,
            },
            (operation) => process.stderr.write(`${describeProgress(operation)}\n`),
          ),
      );
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      return exitCodeOf(report);
    }
    case "images": {
      const { values, positionals } = parseArgs({
        args: rest.slice(1),
        options: { force: { type: "boolean", default: false } },
        allowPositionals: true,
      });
      const [kind] = positionals;
      if (rest[0] !== "make-base" || positionals.length !== 1 || !isBaseImageKind(kind)) break;
      process.stdout.write(`Making the ${kind} base image${kind === "debian" ? " (about a minute)" : ""}...\n`);
      const ref = await makeBaseImage(kind, { socketPath: config.dockerSocketPath, isForced: values.force ?? false });
      process.stdout.write(`${ref}\n`);
      return 0;
    }
    case "migrate":
      await withDatabase(databaseOptions, async () => undefined);
      process.stdout.write("The database schema is up to date.\n");
      return 0;
    case "manager":
    case "worker":
    case "orchestrator":
    case "router":
    case "shell":
      await runComponent(command, process.env, log, waitForSignal);
      return 0;
    case undefined:
    case "help":
    case "--help":
      process.stdout.write(`${usage}\n`);
      return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

/** `director up`: every component in this process until SIGINT or SIGTERM. */
async function runUp(config: UpConfig): Promise<number> {
  const log = createLogger(config.logLevel);
  const director = await startDirector(config, log);
  stopOnFatalError(director.stop, log);
  const example = director.sitesUrlTemplate.replace("{name}", "<site>");
  process.stdout.write(
    `\nDirector is running.\n  manager (API): ${director.managerUrl}\n  sites:         ${example}\n  ssh:           port ${director.sshPort} (ssh -p ${director.sshPort} <user>+<site>@<host>)\n  data:          ${config.dataDir}\n${
      director.hasUsers
        ? ""
        : "No account exists yet. Create the first administrator in another terminal:\n  ./director admin create-user --username admin --superuser\n"
    }Press Ctrl-C to stop.\n\n`,
  );
  await waitForSignal();
  log.info("stopping");
  await director.stop();
  return 0;
}

const fatalStopTimeoutMs = 10_000;

/**
 * A bug that escapes every handler ends the process; before it does, stop what `director up` started, so nginx
 * and PostgreSQL do not outlive it (the next start would take them over, but a deleted data directory would not).
 */
function stopOnFatalError(stop: () => Promise<void>, log: Logger): void {
  const onFatal = (error: unknown) => {
    log.fatal({ err: error }, "director stopped by an unexpected error; stopping its components");
    const timer = setTimeout(() => process.exit(1), fatalStopTimeoutMs);
    timer.unref();
    void stop().finally(() => process.exit(1));
  };
  process.once("uncaughtException", onFatal);
  process.once("unhandledRejection", onFatal);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isDirectorError(error)) {
    process.stderr.write(`director: ${error.message} [${error.code}]\n`);
  } else {
    process.stderr.write(`director: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
}
