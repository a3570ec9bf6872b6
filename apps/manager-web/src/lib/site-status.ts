/**
 * The status dot of a site: one of a few states, each with a word (never colour alone) for screen readers and
 * people who do not see the colour.
 */
import type { SiteListItemView } from "@director/contracts/manager-api";
import type { SiteServiceStatus } from "@director/contracts/orchestrator-services";

export type DotState = "ok" | "busy" | "down" | "off" | "unknown";

export interface SiteDot {
  state: DotState;
  label: string;
}

/**
 * What the dot says, from the site and (dynamic sites) its process status: an operation in progress wins, then
 * availability, then whether it has been set up, then the process.
 */
export function siteDot(
  site: Pick<SiteListItemView, "type" | "availability" | "isReady" | "operation">,
  process: SiteServiceStatus | undefined,
): SiteDot {
  if (site.operation && (site.operation.status === "pending" || site.operation.status === "running")) {
    return { state: "busy", label: `${site.operation.kind.replaceAll("_", " ")} in progress` };
  }
  if (site.operation?.status === "failed") return { state: "down", label: "last operation failed" };
  if (site.availability === "disabled") return { state: "off", label: "disabled by an administrator" };
  if (site.availability === "not-served") return { state: "off", label: "not served" };
  if (!site.isReady) return { state: "busy", label: "being set up" };
  if (site.type === "static") return { state: "ok", label: "served (static)" };
  if (process === undefined) return { state: "unknown", label: "checking…" };
  switch (process.state) {
    case "running":
      return { state: "ok", label: "running" };
    case "starting":
      return { state: "busy", label: "starting" };
    case "stopped":
    case "absent":
      return { state: "off", label: process.state === "stopped" ? "stopped" : "no process" };
    case "failed":
      return { state: "down", label: "failed" };
  }
}
