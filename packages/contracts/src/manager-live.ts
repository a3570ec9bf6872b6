/**
 * The manager's live channel, `GET /ws` (a WebSocket): a page says which sites it shows, and the manager pushes
 * their operations' progress and their process state as they change. JSON text frames, one message each.
 */
import { z } from "zod";
import { operationViewSchema } from "./manager-api.js";
import { siteServiceStatusSchema } from "./orchestrator-services.js";
import { text } from "./text.js";

/** How many sites one connection may watch at once (a page of the site list is 50). */
export const maxWatchedSites = 100;

/** Browser → manager: the sites to follow from now on (replaces the previous set; an empty list stops). */
export const liveClientMessageSchema = z
  .object({
    type: z.literal("watch"),
    sites: z.array(text().min(1).max(64)).max(maxWatchedSites),
  })
  .strict();
export type LiveClientMessage = z.infer<typeof liveClientMessageSchema>;

/** Manager → browser. */
export const liveServerMessageSchema = z.discriminatedUnion("type", [
  /** a watched site's latest operation, on watch and at every change of it */
  z.object({ type: z.literal("operation"), site: z.string(), operation: operationViewSchema }),
  /** a watched site's process state, on watch and whenever it changes */
  z.object({ type: z.literal("process"), site: z.string(), status: siteServiceStatusSchema }),
  /**
   * a watched site's revision (SiteView.revision), on watch and whenever the site or its members change: a page
   * showing an older one reads the site again (an administrator's comment, a member added, a new description)
   */
  z.object({ type: z.literal("site"), site: z.string(), revision: z.number().int() }),
  /**
   * a watched site's traffic was counted again (`mark` changes with each count): a page showing its graphs reads them
   * again. Sent on changes only, never on watch.
   */
  z.object({ type: z.literal("usage"), site: z.string(), mark: z.string() }),
  /** a site this connection cannot follow (no such site, not yours, or deleted): the same answer for each */
  z.object({ type: z.literal("unavailable"), site: z.string() }),
  /** the message could not be understood, or the session ended; `code` is a stable error code */
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof liveServerMessageSchema>;

/** Close codes (4000–4999 are the application's): the browser reconnects on anything but these. */
export const liveCloseCodes = {
  /** the session ended or the account was disabled: log in again */
  sessionEnded: 4401,
} as const;
