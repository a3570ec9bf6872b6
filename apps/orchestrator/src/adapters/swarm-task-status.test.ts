import { describe, expect, it } from "vitest";
import { type SwarmTask, sortTasksNewestFirst, summarizeTasks, type TaskFacts } from "./swarm-task-status.js";

const noFacts: TaskFacts = {
  addresses: new Map(),
  oomKilledTaskIds: new Set(),
  memoryLimitBytes: null,
  lastDirectorLine: null,
};

function task(id: string, createdAt: string, state: string, extra: Partial<SwarmTask["Status"]> = {}): SwarmTask {
  return { ID: id, ServiceID: "s", CreatedAt: createdAt, Status: { State: state, ...extra } };
}

describe("summarizeTasks", () => {
  it("sorts tasks newest first, nanosecond timestamps included", () => {
    const sorted = sortTasksNewestFirst([
      task("a", "2026-01-01T00:00:01.9Z", "shutdown"),
      task("b", "2026-01-01T00:00:01.10Z", "running"),
      task("c", "2026-01-01T00:00:00.5Z", "failed"),
    ]);
    expect(sorted.map((t) => t.ID)).toEqual(["a", "b", "c"]);
  });

  it("is stopped at 0 replicas and starting without tasks", () => {
    expect(summarizeTasks(0, [], noFacts).state).toBe("stopped");
    expect(summarizeTasks(1, [], noFacts).state).toBe("starting");
  });

  it("is running with the task's address and the last DIRECTOR line", () => {
    const facts = { ...noFacts, addresses: new Map([["a", "172.19.0.2"]]), lastDirectorLine: "starting /site/run.sh" };
    expect(summarizeTasks(1, [task("a", "1", "running")], facts)).toEqual({
      state: "running",
      replicas: 1,
      message: "starting /site/run.sh",
      tasks: [{ id: "a", state: "running", address: "172.19.0.2", error: null, exitCode: null, generation: 0 }],
    });
  });

  it("gives each task the restart count of the spec it was made from (absent before the first restart)", () => {
    const restarted = { ...task("b", "2", "running"), Spec: { ForceUpdate: 4 } };
    const summary = summarizeTasks(1, [restarted, task("a", "1", "shutdown")], noFacts);
    expect(summary.tasks.map((t) => t.generation)).toEqual([4, 0]);
  });

  it("says in plain words that the memory limit stopped the process", () => {
    const oom = task("a", "1", "failed", { Err: "task: non-zero exit (137)", ContainerStatus: { ExitCode: 137 } });
    const facts = { ...noFacts, oomKilledTaskIds: new Set(["a"]), memoryLimitBytes: 16 * 1024 * 1024 };
    expect(summarizeTasks(1, [oom], facts).message).toBe(
      "The process used more memory than its limit (16 MiB) and was stopped. It will be started again shortly.",
    );
    // Without the container's OOM flag (pruned, or on another node), exit code 137 still points at memory.
    expect(summarizeTasks(1, [oom], { ...noFacts, memoryLimitBytes: 16 * 1024 * 1024 }).message).toContain(
      "most likely because it used more memory than its limit (16 MiB)",
    );
  });

  it("keeps reporting the failure while the replacement waits out the restart delay", () => {
    const tasks = [
      task("b", "2", "ready"),
      task("a", "1", "failed", { Err: "task: non-zero exit (3)", ContainerStatus: { ExitCode: 3 } }),
    ];
    expect(summarizeTasks(1, tasks, noFacts)).toMatchObject({
      state: "failed",
      message: "run.sh exited with code 3. It will be started again shortly.",
    });
    expect(summarizeTasks(1, [task("b", "2", "preparing")], noFacts).state).toBe("starting");
  });

  it("reports Docker's own error when the task could not start", () => {
    const rejected = task("a", "1", "rejected", { Err: 'invalid mount config for type "bind"' });
    expect(summarizeTasks(1, [rejected], noFacts).message).toBe(
      'Docker could not run the site: invalid mount config for type "bind". It will be started again shortly.',
    );
  });
});
