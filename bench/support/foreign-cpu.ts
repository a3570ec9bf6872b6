/**
 * How much CPU processes other than the measured ones used during a measurement: on 2 cores, a test suite or a type
 * check started by someone else halves a target's rate for the seconds it runs, and one such round moves a median.
 *
 * Counted from /proc: the machine's user + system time (/proc/stat) minus that of this process and everything it
 * started (the targets' nginx, `director up` and its children, and wrk, whose time is in this process's children's
 * once it has been waited for). What is left is the rest of the machine's load, in cores (1.0 = one core busy for the
 * whole measurement). Time in interrupts (loopback networking's softirq) is in neither and is left out.
 */
import { readFile } from "node:fs/promises";
import { processesByComponent } from "./process-tree.js";

const clockTicksPerSecond = 100; // USER_HZ, 100 on Linux for every architecture Director runs on

interface CpuReading {
  atMs: number;
  /** user + nice + system of the whole machine, in ticks */
  machineTicks: number;
  /** user + system of this process and its descendants, each with its waited-for children's, in ticks */
  measuredTicks: number;
}

/** user + system (+ children's, when `withChildren`) of a process, in ticks, from its /proc/<pid>/stat line. */
function ticksOf(stat: string, withChildren: boolean): number {
  // Fields after the command name (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15,
  // cutime 16, cstime 17 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const at = (field: number) => Number(fields[field - 3] ?? 0);
  return at(14) + at(15) + (withChildren ? at(16) + at(17) : 0);
}

async function readCpu(): Promise<CpuReading> {
  const [cpuLine] = (await readFile("/proc/stat", "utf8")).split("\n");
  const [user, nice, system] = (cpuLine ?? "").trim().split(/\s+/).slice(1, 4).map(Number);
  let measuredTicks = 0;
  for (const { stat } of await processesByComponent(process.pid)) measuredTicks += ticksOf(stat, true);
  return { atMs: performance.now(), machineTicks: (user ?? 0) + (nice ?? 0) + (system ?? 0), measuredTicks };
}

/** Runs `measure` and tells how many cores other processes kept busy meanwhile, on average. */
export async function withForeignCpu<T>(measure: () => Promise<T>): Promise<{ result: T; foreignCores: number }> {
  const before = await readCpu();
  const result = await measure();
  const after = await readCpu();
  const foreignTicks = after.machineTicks - before.machineTicks - (after.measuredTicks - before.measuredTicks);
  const seconds = (after.atMs - before.atMs) / 1000;
  return { result, foreignCores: Math.max(0, foreignTicks / clockTicksPerSecond / seconds) };
}
