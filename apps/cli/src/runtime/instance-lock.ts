import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { DirectorError } from "@director/domain/errors";
import { writeFileAtomic } from "@director/host/atomic-write";
import { isProcessAlive, readProcessCommandLine } from "@director/host/linux-processes";

function lockFile(dataDir: string): string {
  return path.join(dataDir, "run", "director.pid");
}

/** The pid of a live `director up` that holds this data directory, or null. */
export async function runningInstancePid(dataDir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(lockFile(dataDir), "utf8"), 10);
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !(await isProcessAlive(pid))) return null;
  // A recycled pid belongs to some other program: only a director process counts.
  const commandLine = await readProcessCommandLine(pid);
  return commandLine?.includes(path.join("apps", "cli", "src", "main.ts")) ? pid : null;
}

/**
 * Claims the data directory for this `director up`. Two instances on one data directory would fight over the
 * embedded PostgreSQL and nginx, so the second is refused; a lock left by a killed instance is taken over.
 */
export async function acquireInstanceLock(dataDir: string): Promise<() => Promise<void>> {
  const holder = await runningInstancePid(dataDir);
  if (holder !== null) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `Director is already running with the data directory ${dataDir} (pid ${holder}); stop it first or set DIRECTOR_DATA_DIR.`,
    );
  }
  await mkdir(path.dirname(lockFile(dataDir)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(lockFile(dataDir), `${process.pid}\n`, { mode: 0o600 });
  return () => rm(lockFile(dataDir), { force: true });
}
