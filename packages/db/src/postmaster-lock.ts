/**
 * Deals with a `postmaster.pid` left in a data directory by a previous run. PostgreSQL itself ignores a lock whose
 * PID is dead, but two cases need help: the old server is still running (Director was SIGKILLed, so its exit hook
 * never stopped it), or the PID was reused by an unrelated process of the postgres user.
 */
import { readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Where leftover-server handling reports what it did. */
export interface PostmasterLockLog {
  warn(details: Record<string, unknown>, message: string): void;
}

const shutdownWaitMs = 30_000;
const pollIntervalMs = 100;

/** Stops a leftover server of this data directory (fast shutdown) or removes a lock that names another process. */
export async function clearLeftoverPostmaster(dataDir: string, log: PostmasterLockLog): Promise<void> {
  const lockFile = path.join(dataDir, "postmaster.pid");
  const pid = await readLockPid(lockFile);
  if (pid === undefined || !isAlive(pid)) return;
  const commandLine = await readCommandLine(pid);
  if (commandLine === undefined) return;
  if (!commandLine.includes("postgres") || !commandLine.includes(dataDir)) {
    log.warn({ pid, lockFile }, "postmaster.pid names a process that is not this server (PID reused); removing it");
    await rm(lockFile, { force: true });
    return;
  }
  log.warn({ pid, dataDir }, "a PostgreSQL server from a previous run still holds the data directory; stopping it");
  // SIGINT is PostgreSQL's "fast shutdown": it rolls back open transactions and exits cleanly.
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + shutdownWaitMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`The previous PostgreSQL server (pid ${pid}) did not stop within ${shutdownWaitMs} ms.`);
    }
    await sleep(pollIntervalMs);
  }
}

async function readLockPid(lockFile: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(lockFile, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  const pid = Number(text.split("\n")[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function readCommandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch (error) {
    // The process ended between the liveness check and this read.
    if (isCode(error, "ENOENT") || isCode(error, "ESRCH")) return undefined;
    throw error;
  }
}

/** Signal 0 checks existence only; EPERM means it exists but belongs to someone else. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, "EPERM");
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
