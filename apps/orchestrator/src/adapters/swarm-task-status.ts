/**
 * Turns Swarm tasks (GET /tasks, untyped in dockerode: parsed here with zod) into a ServiceStatus; pure.
 * Task states: https://docs.docker.com/engine/swarm/how-swarm-mode-works/swarm-task-states/
 */
import { z } from "zod";
import type { ServiceStatus, ServiceTaskStatus } from "../core/service-runtime.js";

/** The fields of a task that status needs; everything else the engine sends is ignored. */
export const swarmTaskSchema = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  CreatedAt: z.string(),
  DesiredState: z.string().optional(),
  /** the task template it was made from; ForceUpdate counts restarts (absent before the first) */
  Spec: z.object({ ForceUpdate: z.number().int().optional() }).optional(),
  Status: z.object({
    State: z.string(),
    Message: z.string().optional(),
    Err: z.string().optional(),
    ContainerStatus: z.object({ ContainerID: z.string().optional(), ExitCode: z.number().int().optional() }).optional(),
  }),
});
export type SwarmTask = z.infer<typeof swarmTaskSchema>;

/** What the adapter learned beyond the task list: the newest running task's address, OOM kills, the limit. */
export interface TaskFacts {
  /** Task id → IPv4 address on the site network (only for tasks whose container was inspected) */
  addresses: ReadonlyMap<string, string>;
  /** Ids of tasks whose container the kernel OOM-killed (Docker's State.OOMKilled) */
  oomKilledTaskIds: ReadonlySet<string>;
  memoryLimitBytes: number | null;
  /** The last `DIRECTOR:` line the newest task printed, if it was read */
  lastDirectorLine: string | null;
}

const startingStates = new Set([
  "new",
  "allocated",
  "pending",
  "assigned",
  "accepted",
  "preparing",
  "ready",
  "starting",
]);
const failedStates = new Set(["failed", "rejected", "orphaned"]);
/** The conventional exit code of a process ended by SIGKILL (128 + 9), which is what the OOM killer sends. */
const sigkillExitCode = 137;
const mebibyte = 1024 * 1024;

/** The tasks newest first (Swarm returns them in no useful order). */
export function sortTasksNewestFirst(tasks: readonly SwarmTask[]): SwarmTask[] {
  return [...tasks].sort((a, b) => sortableTimestamp(b.CreatedAt).localeCompare(sortableTimestamp(a.CreatedAt)));
}

/** RFC 3339 with up to 9 fraction digits (Go drops trailing zeros): pad the fraction so that strings sort by time. */
function sortableTimestamp(value: string): string {
  const match = /^([^.Z]*)(?:\.([0-9]+))?Z$/.exec(value);
  if (match === null) return value;
  return `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}Z`;
}

/** The service's state from its desired replicas and its tasks (newest first). */
export function summarizeTasks(replicas: number, tasks: readonly SwarmTask[], facts: TaskFacts): ServiceStatus {
  const taskStatuses = tasks.map((task) => toTaskStatus(task, facts));
  const base = { replicas, tasks: taskStatuses };
  const [newest, previous] = tasks;
  if (replicas === 0) return { ...base, state: "stopped", message: "The site is stopped (it is not enabled)." };
  if (newest === undefined) return { ...base, state: "starting", message: "The site is starting." };
  const state = newest.Status.State;
  if (state === "running") {
    return { ...base, state: "running", message: facts.lastDirectorLine ?? "The site is running." };
  }
  if (failedStates.has(state)) return failed(base, newest, facts);
  const isPreviousFailure =
    previous !== undefined && (failedStates.has(previous.Status.State) || hasFailedExit(previous));
  if (isPreviousFailure) {
    // Swarm creates the replacement at once and holds it until the restart delay has passed.
    const reason = failureReason(previous, facts);
    return { ...base, state: "failed", message: `${reason} It will be started again shortly.` };
  }
  if (startingStates.has(state)) return { ...base, state: "starting", message: "The site is starting." };
  if (state === "complete") {
    return { ...base, state: "starting", message: "run.sh exited (code 0); it will be started again shortly." };
  }
  return { ...base, state: "starting", message: `The site's task is ${state}.` };
}

function failed(base: Pick<ServiceStatus, "replicas" | "tasks">, task: SwarmTask, facts: TaskFacts): ServiceStatus {
  return {
    ...base,
    state: "failed",
    message: `${failureReason(task, facts)} It will be started again shortly.`,
  };
}

/** A task Swarm shut down after its process exited non-zero (some engines report these as shutdown, not failed). */
function hasFailedExit(task: SwarmTask): boolean {
  const code = task.Status.ContainerStatus?.ExitCode;
  return task.Status.State === "shutdown" && code !== undefined && code !== 0;
}

/** One plain sentence on why a task ended. */
export function failureReason(task: SwarmTask, facts: TaskFacts): string {
  const exitCode = task.Status.ContainerStatus?.ExitCode;
  const limit = facts.memoryLimitBytes === null ? "" : ` (${Math.round(facts.memoryLimitBytes / mebibyte)} MiB)`;
  if (facts.oomKilledTaskIds.has(task.ID)) {
    return `The process used more memory than its limit${limit} and was stopped.`;
  }
  if (exitCode === sigkillExitCode) {
    return `The process was killed (exit code 137), most likely because it used more memory than its limit${limit}.`;
  }
  if (exitCode !== undefined && exitCode !== 0) return `run.sh exited with code ${exitCode}.`;
  if (task.Status.Err !== undefined) return `Docker could not run the site: ${task.Status.Err}.`;
  return `The site's task ended (${task.Status.State}).`;
}

function toTaskStatus(task: SwarmTask, facts: TaskFacts): ServiceTaskStatus {
  const hasExited = !startingStates.has(task.Status.State) && task.Status.State !== "running";
  return {
    id: task.ID,
    state: task.Status.State,
    address: facts.addresses.get(task.ID) ?? null,
    error: task.Status.Err ?? null,
    exitCode: hasExited ? (task.Status.ContainerStatus?.ExitCode ?? null) : null,
    generation: task.Spec?.ForceUpdate ?? 0,
  };
}
