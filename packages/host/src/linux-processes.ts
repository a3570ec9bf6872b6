import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Process inspection through Linux's /proc (proc(5)): enough to find an nginx master's workers and to
 * wait for processes that are not our children, which Node cannot `wait()` for.
 */

const pollIntervalMs = 20;

/** The process's command line as one string (NUL separators become spaces), or null when it is gone. */
export async function readProcessCommandLine(pid: number): Promise<string | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    // nginx rewrites its argv in place ("nginx: worker process") and pads the rest with NULs.
    return raw.replace(/\0+$/, "").replaceAll("\0", " ");
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}

/** The parent pid and state letter from /proc/PID/stat, or null when the process is gone. */
async function readProcessStat(pid: number): Promise<{ parentPid: number; state: string } | null> {
  let raw: string;
  try {
    raw = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  // Field 2 (comm) is in parentheses and may itself contain spaces or ')', so parse from the last ')'.
  const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
  const [state, parentPid] = fields;
  if (state === undefined || parentPid === undefined) return null;
  return { state, parentPid: Number(parentPid) };
}

/** True while the process exists and is not a zombie (a zombie has exited and only awaits its parent's wait()). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const stat = await readProcessStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/** The pids of the live processes whose parent is `parentPid` (a scan of /proc). */
export async function listChildPids(parentPid: number): Promise<number[]> {
  const entries = await readdir("/proc");
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = await readProcessStat(pid);
    if (stat !== null && stat.parentPid === parentPid && stat.state !== "Z" && stat.state !== "X") children.push(pid);
  }
  return children;
}

/** Resolves true once none of `pids` is alive, or false when `timeoutMs` passes first. */
export async function waitForProcessesExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = await filterAlive(pids);
    if (alive.length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollIntervalMs);
  }
}

/** The subset of `pids` that is still alive. */
export async function filterAlive(pids: readonly number[]): Promise<number[]> {
  const alive: number[] = [];
  for (const pid of pids) {
    if (await isProcessAlive(pid)) alive.push(pid);
  }
  return alive;
}

/** Sends `signal`, ignoring only "no such process" (the process exited on its own, which is what we wanted). */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // ESRCH: the process vanished between opening and reading its /proc files.
  return code === "ENOENT" || code === "ESRCH";
}
