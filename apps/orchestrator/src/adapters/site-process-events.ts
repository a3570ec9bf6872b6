/**
 * Which site processes ended on their own, from the Docker engine's events (pure). A container the engine was told to
 * stop (a restart, an update, a removal: Swarm stops a task with `kill`) has a `kill` event before its `die`; one that
 * crashed has none, and a `die` with a non-zero exit code. The kernel's OOM killer leaves an `oom` event instead.
 * https://docs.docker.com/engine/api/v1.41/#tag/System/operation/SystemEvents
 */
import type { SiteProcessEvent } from "@director/contracts/orchestrator-usage";
import type { InstallationId } from "@director/domain/installation-id";
import { z } from "zod";
import { parseSiteIdLabel } from "./site-container-events.js";
import { installationLabel, siteIdLabel } from "./swarm-service-spec.js";

const engineEventSchema = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ ID: z.string(), Attributes: z.record(z.string(), z.string()).optional() }),
  /** nanoseconds since 1970 */
  timeNano: z.number().optional(),
  time: z.number().optional(),
});

/** The crashes and OOM kills among a window's events (in the order they came), one per container at most. */
export function siteProcessEventsOf(lines: readonly string[], installationId: InstallationId): SiteProcessEvent[] {
  const stopped = new Set<string>();
  const oomKilled = new Set<string>();
  const result: SiteProcessEvent[] = [];
  for (const line of lines) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = engineEventSchema.safeParse(json);
    if (!parsed.success || parsed.data.Type !== "container") continue;
    const { Action: action, Actor: actor } = parsed.data;
    if (actor.Attributes?.[installationLabel] !== installationId) continue;
    const siteId = parseSiteIdLabel(actor.Attributes?.[siteIdLabel]);
    if (siteId === null || !/^[0-9a-f]{12,64}$/.test(actor.ID)) continue;
    if (action === "kill") stopped.add(actor.ID);
    if (action === "oom") oomKilled.add(actor.ID);
    if (action !== "die") continue;
    const exitCode = Number.parseInt(actor.Attributes?.exitCode ?? "", 10);
    const at = new Date(
      parsed.data.timeNano !== undefined ? parsed.data.timeNano / 1e6 : (parsed.data.time ?? 0) * 1000,
    ).toISOString();
    const base = { siteId, containerId: actor.ID, at, exitCode: Number.isNaN(exitCode) ? null : exitCode };
    if (oomKilled.has(actor.ID)) result.push({ ...base, kind: "oom" });
    else if (!stopped.has(actor.ID) && exitCode !== 0) result.push({ ...base, kind: "crash" });
  }
  return result;
}
