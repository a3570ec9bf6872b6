/**
 * CPU time a process tree spends by component while something runs: where a request's cost goes (the manager's
 * Node.js or PostgreSQL), which a rate or a latency alone does not say.
 */
import { type Component, processesByComponent } from "./process-tree.js";

const clockTicksPerSecond = 100; // USER_HZ, 100 on Linux for every architecture Director runs on

/** user + system time of a process, in ms, from its /proc/<pid>/stat line. */
export function cpuMsOfStat(stat: string): number {
  // utime and stime are fields 14 and 15 (proc(5)); the fields after the command name start at field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[14 - 3] ?? 0) + Number(fields[15 - 3] ?? 0);
  return (ticks * 1000) / clockTicksPerSecond;
}

/** user + system time of each component's live processes, in ms; a process that ended meanwhile is not counted. */
async function cpuMsByPid(rootPid: number): Promise<Map<number, { component: Component; ms: number }>> {
  const found = new Map<number, { component: Component; ms: number }>();
  for (const { pid, component, stat } of await processesByComponent(rootPid)) {
    found.set(pid, { component, ms: cpuMsOfStat(stat) });
  }
  return found;
}

/** Runs `measure` and tells the CPU ms each component of `rootPid`'s tree used meanwhile. */
export async function withCpuByComponent<T>(
  rootPid: number,
  measure: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<Component, number> }> {
  const before = await cpuMsByPid(rootPid);
  const result = await measure();
  const after = await cpuMsByPid(rootPid);
  const cpuMs: Record<Component, number> = { director: 0, nginx: 0, postgres: 0 };
  for (const [pid, { component, ms }] of after) cpuMs[component] += ms - (before.get(pid)?.ms ?? 0);
  return { result, cpuMs };
}
