/**
 * The memory of a process tree by component, as the kernel counts it: each process's PSS (its private pages plus its
 * share of pages it shares, so PostgreSQL's shared buffers and nginx's shared code are counted once in all).
 */
import { readdir, readFile } from "node:fs/promises";

export type Component = "director" | "nginx" | "postgres";

/** MiB of PSS of `rootPid` and every descendant, by component (told apart by their command lines). */
export async function memoryByComponent(rootPid: number): Promise<Record<Component | "total", number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => null);
    // The parent pid is the second field after the command name, which is in parentheses and may hold spaces.
    const parent = stat === null ? undefined : Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (parent !== undefined) parents.set(Number(entry), parent);
  }
  const isInTree = (pid: number): boolean => {
    for (let current: number | undefined = pid; current !== undefined && current > 1; current = parents.get(current)) {
      if (current === rootPid) return true;
    }
    return false;
  };
  const totals: Record<Component, number> = { director: 0, nginx: 0, postgres: 0 };
  for (const pid of parents.keys()) {
    if (!isInTree(pid)) continue;
    const commandLine = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replaceAll("\0", " ");
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
    const pssKiB = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    const component: Component = commandLine.startsWith("nginx:")
      ? "nginx"
      : commandLine.includes("postgres")
        ? "postgres"
        : "director";
    totals[component] += pssKiB;
  }
  const mib = (kib: number) => Math.round(kib / 1024);
  return {
    director: mib(totals.director),
    nginx: mib(totals.nginx),
    postgres: mib(totals.postgres),
    total: mib(totals.director + totals.nginx + totals.postgres),
  };
}
