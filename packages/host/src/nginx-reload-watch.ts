import { setTimeout as sleep } from "node:timers/promises";
import { DirectorError } from "@director/domain/errors";
import { isProcessAlive, listChildPids, readProcessCommandLine } from "./linux-processes.js";
import { extractNginxErrors, fileSize, readFileFrom } from "./nginx-output.js";

/** What `waitForReloadToTakeEffect` watches. */
export interface ReloadWatch {
  masterPid: number;
  errorLogPath: string;
  timeoutMs: number;
  /** Sends SIGHUP; false when the master is gone. */
  sendSignal: () => boolean;
}

const pollIntervalMs = 20;
// nginx sets the title "worker process is shutting down" just before it closes its listening sockets;
// one more poll interval covers that gap, after which the old worker accepts no new connection.
const shuttingDownSettleMs = pollIntervalMs;

/**
 * Signals a reload and waits until the workers that existed before it no longer accept connections:
 * each has exited, or has been "shutting down" (listeners closed, finishing requests in flight) for a
 * moment. Waiting for every old worker to exit would stall each reload behind any long download or
 * websocket. Resolves true when done, false after `timeoutMs` (old workers still accepting).
 * Throws NGINX_RELOAD_FAILED when the master rejects the new configuration (an [emerg] in its error log,
 * e.g. a port taken by another program: `nginx -t` does not bind) or exits.
 * The master forks all new workers before it tells old ones to quit, so after this the worker set is complete.
 */
export async function waitForReloadToTakeEffect(watch: ReloadWatch): Promise<boolean> {
  const oldWorkers = await listChildPids(watch.masterPid);
  const logOffset = await fileSize(watch.errorLogPath);
  if (!watch.sendSignal()) {
    throw new DirectorError("NGINX_RELOAD_FAILED", "nginx exited before it could reload its configuration.");
  }
  const deadline = Date.now() + watch.timeoutMs;
  const shuttingDownSince = new Map<number, number>();
  for (;;) {
    const stillAccepting: number[] = [];
    for (const pid of oldWorkers) {
      const title = (await isProcessAlive(pid)) ? await readProcessCommandLine(pid) : null;
      if (title === null) continue;
      if (!title.includes("shutting down")) {
        stillAccepting.push(pid);
        continue;
      }
      const since = shuttingDownSince.get(pid) ?? Date.now();
      shuttingDownSince.set(pid, since);
      if (Date.now() - since < shuttingDownSettleMs) stillAccepting.push(pid);
    }
    if (stillAccepting.length === 0) return true;

    const rejection = await findReloadRejection(watch.errorLogPath, logOffset);
    if (rejection !== null) {
      throw new DirectorError("NGINX_RELOAD_FAILED", `nginx kept its previous configuration: ${rejection}`, {
        details: { nginxError: rejection },
      });
    }
    if (!(await isProcessAlive(watch.masterPid))) {
      throw new DirectorError("NGINX_RELOAD_FAILED", "nginx exited while reloading its configuration.");
    }
    if (Date.now() >= deadline) return false;
    await sleep(pollIntervalMs);
  }
}

/** The error that made the master give up on the new configuration, or null if it has not (yet). */
async function findReloadRejection(errorLogPath: string, offset: number): Promise<string | null> {
  const errors = extractNginxErrors(await readFileFrom(errorLogPath, offset));
  if (errors === null) return null;
  const lastError = errors.split("\n").at(-1) ?? "";
  // nginx retries a failed bind() five times, 500 ms apart, and gives up with "still could not bind()".
  if (/bind\(\) to .* failed/.test(lastError)) return null;
  return errors;
}
