/**
 * The memory of a process tree by component, as the kernel counts it: each process's PSS (its private pages plus its
 * share of pages it shares, so PostgreSQL's shared buffers and nginx's shared code are counted once in all).
 */
import { readFile } from "node:fs/promises";
import { type Component, processesByComponent } from "./process-tree.js";

export type { Component } from "./process-tree.js";

/** MiB of PSS of `rootPid` and every descendant, by component. */
export async function memoryByComponent(rootPid: number): Promise<Record<Component | "total", number>> {
  const totals: Record<Component, number> = { director: 0, nginx: 0, postgres: 0 };
  for (const { pid, component } of await processesByComponent(rootPid)) totals[component] += await pssKibOf(pid);
  const mib = (kib: number) => Math.round(kib / 1024);
  return {
    director: mib(totals.director),
    nginx: mib(totals.nginx),
    postgres: mib(totals.postgres),
    total: mib(totals.director + totals.nginx + totals.postgres),
  };
}

/** KiB of PSS of one process; 0 once it has ended. */
export async function pssKibOf(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
}
