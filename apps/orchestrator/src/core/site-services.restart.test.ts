/**
 * SiteServices.restart's reading of the tasks Swarm reports, on a scripted fake runtime: the task sequences here are
 * the ones the real engine was seen to produce (the real restart is exercised by main-dynamic.int.test.ts and the
 * e2e), including the one that made a restart fail although its own process ran.
 */
import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import type { ServiceRuntime, ServiceStatus, ServiceTaskStatus } from "./service-runtime.js";
import { SiteServices, type SiteServicesDeps } from "./site-services.js";

const siteId = 3 as SiteId;

function task(id: string, generation: number, state: string, fields: Partial<ServiceTaskStatus> = {}) {
  return { id, generation, state, address: null, error: null, exitCode: null, ...fields };
}

/** Fake of the Swarm runtime: `status` answers the scripted task lists in turn (the last one stays). */
function scriptedServices(script: ServiceTaskStatus[][], options: { restartWaitMs?: number } = {}) {
  const refreshed: Array<string | null | undefined> = [];
  const statuses = [...script];
  const runtime: Pick<ServiceRuntime, "restart" | "status"> = {
    restart: async () => ({ generation: 2 }),
    status: async (): Promise<ServiceStatus> => {
      const tasks = statuses.length > 1 ? (statuses.shift() ?? []) : (statuses[0] ?? []);
      return { state: "starting", replicas: 1, message: `newest: ${tasks[0]?.state ?? "none"}`, tasks };
    },
  };
  const services = new SiteServices({
    runtime,
    refreshBalancer: async (_id: SiteId, address?: string | null) => {
      refreshed.push(address);
    },
    restartWaitMs: options.restartWaitMs ?? 5_000,
  } as unknown as SiteServicesDeps);
  return { services, refreshed };
}

const failedBefore = task("a", 1, "failed", { exitCode: 3, error: "task: non-zero exit (3)" });

describe("SiteServices.restart", () => {
  it("ignores a task Swarm's restart policy made from the old spec and the restart shut down (exit 0)", async () => {
    const { services, refreshed } = scriptedServices([
      [failedBefore], // before the restart: the replacement is not there yet
      [task("b", 1, "shutdown", { exitCode: 0 }), task("c", 2, "starting"), failedBefore],
      [task("c", 2, "running", { address: "10.0.0.9" }), task("b", 1, "shutdown", { exitCode: 0 }), failedBefore],
    ]);
    expect(await services.restart(siteId)).toEqual({ state: "running", message: "newest: running" });
    expect(refreshed).toEqual(["10.0.0.9"]);
  });

  it("fails at once when its own process exits, even once Swarm has queued the next task", async () => {
    const { services } = scriptedServices([
      [],
      [task("d", 2, "ready"), task("c", 2, "failed", { exitCode: 3, error: "task: non-zero exit (3)" })],
    ]);
    await expect(services.restart(siteId)).rejects.toMatchObject({ code: "SITE_PROCESS_FAILED" });
  });

  it("waits past a task Docker could not start for Swarm's next one", async () => {
    const { services } = scriptedServices([
      [],
      [task("c", 2, "rejected", { error: "failed to allocate an address" })],
      [task("d", 2, "running", { address: "10.0.0.10" }), task("c", 2, "rejected")],
    ]);
    expect((await services.restart(siteId)).state).toBe("running");
  });

  it("fails with Docker's reason when nothing it tried runs by the deadline", async () => {
    const { services } = scriptedServices([[], [task("c", 2, "rejected", { error: "No such image" })]], {
      restartWaitMs: 300,
    });
    await expect(services.restart(siteId)).rejects.toMatchObject({ code: "SITE_PROCESS_FAILED" });
  });

  it("reports a process still starting at the deadline as starting, not as an error", async () => {
    const { services } = scriptedServices([[], [task("c", 2, "starting")]], { restartWaitMs: 300 });
    expect(await services.restart(siteId)).toEqual({
      state: "starting",
      message: "The site's new process is still starting.",
    });
  });
});
