/**
 * What each built component program (dist/<component>/<component>.mjs, from this folder) does around its component:
 * a logger at DIRECTOR_LOG_LEVEL, the configuration's problems printed as `director` prints them, and a graceful stop
 * on SIGTERM or SIGINT: the component finishes or hands back its work (a worker's operations go back to the queue
 * after their current step), and the process exits 1 if that takes longer than DIRECTOR_SHUTDOWN_TIMEOUT_MS.
 */
import { hostname } from "node:os";
import { isDirectorError } from "@director/domain/errors";
import pino, { type Logger } from "pino";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const defaultShutdownTimeoutMs = 30_000;

export async function runAlone(
  component: "manager" | "worker" | "orchestrator" | "router" | "shell",
  start: (env: NodeJS.ProcessEnv, log: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const level = process.env.DIRECTOR_LOG_LEVEL ?? "info";
  const timeoutMs = Number(process.env.DIRECTOR_SHUTDOWN_TIMEOUT_MS ?? defaultShutdownTimeoutMs);
  if (!logLevels.includes(level) || !Number.isInteger(timeoutMs) || timeoutMs < 1) {
    process.stderr.write(
      `director ${component}: DIRECTOR_LOG_LEVEL must be one of ${logLevels.join(", ")}, and DIRECTOR_SHUTDOWN_TIMEOUT_MS a whole number of milliseconds [CONFIG_INVALID]\n`,
    );
    process.exit(2);
  }
  // JSON lines always, also on a terminal: the built programs carry no pretty-printer (pipe to pino-pretty to read)
  const log = pino({ level }).child({ component, host: hostname() });
  let running: { close(): Promise<void> };
  try {
    running = await start(process.env, log);
  } catch (error) {
    process.stderr.write(
      isDirectorError(error)
        ? `director ${component}: ${error.message} [${error.code}]\n`
        : `director ${component}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
  log.info("started");
  const stop = async (signal: string) => {
    log.info({ signal, timeoutMs }, "stopping");
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, "did not stop in time; exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    await running.close();
    log.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
