/**
 * The host processes behind Docker containers, as /proc shows them now: the engine (dockerd and containerd, shared by
 * every container on the machine, so other people's containers count there too) and, for the containers named, their
 * shims (containerd-shim-runc-v2 … -id <container id>) and every process in their cgroups (cgroup v1 and v2 paths both
 * hold the container's id). None of them is in `director up`'s process tree: the engine runs what it is asked to.
 */
import { readdir, readFile } from "node:fs/promises";
import { cpuMsOfStat } from "./process-cpu.js";
import { pssKibOf } from "./process-memory.js";

export type DockerComponent = "engine" | "containers";

/** The engine's processes and those of `containerIds` (full ids), with their /proc/<pid>/stat lines. */
export async function dockerProcesses(
  containerIds: readonly string[],
): Promise<Array<{ pid: number; component: DockerComponent; stat: string }>> {
  const found: Array<{ pid: number; component: DockerComponent; stat: string }> = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const read = (file: string) => readFile(`/proc/${pid}/${file}`, "utf8").catch(() => "");
    const [stat, commandLine, cgroups] = await Promise.all([read("stat"), read("cmdline"), read("cgroup")]);
    if (stat === "") continue; // ended meanwhile
    const command = programOf(commandLine);
    if (command === "dockerd" || command === "containerd") {
      found.push({ pid, component: "engine", stat });
    } else if (containerIds.some((id) => commandLine.includes(`\0-id\0${id}\0`) || cgroups.includes(id))) {
      found.push({ pid, component: "containers", stat });
    }
  }
  return found;
}

/** The program's file name from a NUL-separated command line. */
function programOf(commandLine: string): string {
  const program = commandLine.split("\0")[0] ?? "";
  return program.slice(program.lastIndexOf("/") + 1);
}

/** MiB of PSS of the engine and of the containers `containerIds` (with their shims). */
export async function dockerMemoryMib(containerIds: readonly string[]): Promise<Record<DockerComponent, number>> {
  const kib: Record<DockerComponent, number> = { engine: 0, containers: 0 };
  for (const { pid, component } of await dockerProcesses(containerIds)) kib[component] += await pssKibOf(pid);
  return { engine: Math.round(kib.engine / 1024), containers: Math.round(kib.containers / 1024) };
}

/** CPU ms used by the engine and by the containers `containerIds` while `measure` runs (ended processes not counted). */
export async function withDockerCpu<T>(
  containerIds: readonly string[],
  measure: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<DockerComponent, number> }> {
  const before = new Map((await dockerProcesses(containerIds)).map(({ pid, stat }) => [pid, cpuMsOfStat(stat)]));
  const result = await measure();
  const cpuMs: Record<DockerComponent, number> = { engine: 0, containers: 0 };
  for (const { pid, component, stat } of await dockerProcesses(containerIds)) {
    cpuMs[component] += cpuMsOfStat(stat) - (before.get(pid) ?? 0);
  }
  return { result, cpuMs };
}
