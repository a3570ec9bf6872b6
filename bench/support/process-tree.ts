/**
 * The processes of a tree by component (`director up` and its Node.js helpers, its nginx, its PostgreSQL), told
 * apart by their command lines, as /proc shows them now.
 */
import { readdir, readFile } from "node:fs/promises";

export type Component = "director" | "nginx" | "postgres";

/** Every process of `rootPid`'s tree (itself included), with its component and its /proc/<pid>/stat line. */
export async function processesByComponent(
  rootPid: number,
): Promise<Array<{ pid: number; component: Component; stat: string }>> {
  const stats = new Map<number, string>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
    if (stat !== null) stats.set(Number(entry), stat);
  }
  // The parent pid is the second field after the command name, which is in parentheses and may hold spaces.
  const parentOf = (stat: string | undefined) =>
    stat === undefined ? 0 : Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  const isInTree = (pid: number): boolean => {
    for (let current = pid; current > 1; current = parentOf(stats.get(current))) {
      if (current === rootPid) return true;
    }
    return false;
  };
  const found: Array<{ pid: number; component: Component; stat: string }> = [];
  for (const [pid, stat] of stats) {
    if (!isInTree(pid)) continue;
    const commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replaceAll("\0", " ");
    const component: Component = commandLine.startsWith("nginx:")
      ? "nginx"
      : commandLine.includes("postgres")
        ? "postgres"
        : "director";
    found.push({ pid, component, stat });
  }
  return found;
}
