/**
 * Parsing of the Docker Engine's event stream (GET /events: one JSON object per line) into the site container events
 * the task address watcher needs; pure. https://docs.docker.com/engine/api/v1.41/#tag/System/operation/SystemEvents
 */
import type { InstallationId } from "@director/domain/installation-id";
import { parseSiteId, type SiteId } from "@director/domain/site";
import { z } from "zod";
import { installationLabel, siteIdLabel } from "./swarm-service-spec.js";

/** A site's container started or died. */
export interface SiteContainerEvent {
  siteId: SiteId;
  action: "start" | "die";
}

const engineEventSchema = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({ Attributes: z.record(z.string(), z.string()).optional() }),
});

/** The site id in a container's site id label, or null when the label is not a positive whole number. */
export function parseSiteIdLabel(label: string | undefined): SiteId | null {
  return label !== undefined && /^[1-9][0-9]{0,14}$/.test(label) ? parseSiteId(label) : null;
}

/**
 * The site container event on one line of the stream, or null for anything else: another event type or action,
 * a container without a valid site id label or of another installation, or a line that is not an engine event (the
 * caller logs those). The engine already filters by installation; checking again costs nothing.
 */
export function parseSiteContainerEvent(line: string, installationId: InstallationId): SiteContainerEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = engineEventSchema.safeParse(json);
  if (!parsed.success || parsed.data.Type !== "container") return null;
  const { Action: action, Actor: actor } = parsed.data;
  if (action !== "start" && action !== "die") return null;
  // A container's labels are its event's Actor.Attributes.
  if (actor.Attributes?.[installationLabel] !== installationId) return null;
  const siteId = parseSiteIdLabel(actor.Attributes?.[siteIdLabel]);
  return siteId === null ? null : { siteId, action };
}

/** Splits a stream's chunks into complete lines; a line cut between two chunks is kept until its end arrives. */
export class LineSplitter {
  #partial = "";

  /** The complete, non-blank lines that `chunk` finishes. */
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    return parts.map((part) => part.trim()).filter((part) => part !== "");
  }
}
