import type { ServerResponse } from "node:http";
import { workspaceRoutes } from "@director/contracts/manager-routes-workspace";
import type { FolderEventLine } from "@director/contracts/orchestrator-files";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { parseSitePath, type SitePath } from "@director/domain/site-path";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { sessionTokenOf } from "../../http/authenticate.js";
import { ConnectionLimits } from "../../http/connection-limits.js";
import type { AuthService } from "../auth/auth.service.js";
import type { LiveSessions } from "../live/live-sessions.js";
import type { SiteAccessChanges } from "../sites/site-access-changes.js";
import type { SitesService } from "../sites/sites.service.js";

/** Where a site's folders are watched (the orchestrator that holds the site tree). */
export interface SiteFolderEvents {
  watch(siteId: SiteId, folders: Array<SitePath | null>, signal: AbortSignal): Promise<AsyncIterable<FolderEventLine>>;
}

/** A comment line every so often keeps proxies and browsers from closing a quiet stream. */
const heartbeatIntervalMs = 15_000;
/** A stream ends after this long; the browser's EventSource reconnects by itself (and checks access again). */
const maxDurationMs = 60 * 60 * 1000;
/** How often access is checked again when nothing announced a change. */
const recheckMs = 60_000;

/**
 * GET /api/sites/:name/file-events?folder=…: what changes in the folders a workspace shows, as Server-Sent Events
 * (manager-workspace.ts). Anyone who may view the site; the stream ends when they may no longer. Limited per account
 * and in all, like followed logs (429 FILE_EVENTS_LIMIT): each holds a connection to the orchestrator and its watches.
 */
export function registerFileEventRoutes(
  app: FastifyInstance,
  deps: {
    auth: Pick<AuthService, "userForToken">;
    sites: Pick<SitesService, "findForAction">;
    sessions: Pick<LiveSessions, "track">;
    folders: SiteFolderEvents;
    accessChanges: Pick<SiteAccessChanges, "subscribe">;
    limits: { maxPerAccount: number; maxTotal: number };
  },
): void {
  const open = new ConnectionLimits(
    { perAccount: deps.limits.maxPerAccount, total: deps.limits.maxTotal },
    (kind) =>
      new DirectorError(
        "FILE_EVENTS_LIMIT",
        kind === "account"
          ? `At most ${deps.limits.maxPerAccount} workspaces can follow their files at once per account: close some.`
          : "Director follows as many workspaces' files as it allows; try again in a minute.",
        { details: { limit: kind } },
      ),
  );
  registerApiRoute(app, workspaceRoutes.fileEvents, async ({ actor, params, query, request, reply }) => {
    const folders = query.folder.map((folder) => (folder === "" ? null : parseSitePath(folder)));
    const release = open.take(actor.id);
    const closed = new AbortController();
    const close = () => closed.abort();
    const clientGone = signalWhenClientGoes(reply.raw);
    if (clientGone.aborted) close();
    else clientGone.addEventListener("abort", close, { once: true });
    const deadline = setTimeout(close, maxDurationMs);
    let stopWatchingAccess = () => {};
    // Logging out or a disabled account ends the stream at once (LiveSessions), anything else at the recheck.
    const token = sessionTokenOf(request);
    const untrack = token === undefined ? () => {} : deps.sessions.track(token, actor.id, close);
    const recheck = setInterval(() => void checkAccess(), recheckMs);
    const checkAccess = async () => {
      try {
        const user = token === undefined ? null : await deps.auth.userForToken(token);
        if (user === null) close();
        else await deps.sites.findForAction(user, params.name, "view");
      } catch {
        close();
      }
    };
    try {
      const site = await deps.sites.findForAction(actor, params.name, "view");
      stopWatchingAccess = deps.accessChanges.subscribe(site.id, () => void checkAccess());
      if (closed.signal.aborted) {
        reply.hijack();
        return;
      }
      // Opened before the answer starts: a refusal (a folder outside the site) is an ordinary JSON answer.
      let events: AsyncIterable<FolderEventLine>;
      try {
        events = await deps.folders.watch(site.id, folders, closed.signal);
      } catch (error) {
        if (!closed.signal.aborted) throw error;
        reply.hijack();
        return;
      }
      reply.hijack();
      await sendEvents(reply.raw, events, closed.signal);
    } finally {
      clearTimeout(deadline);
      clearInterval(recheck);
      untrack();
      stopWatchingAccess();
      clientGone.removeEventListener("abort", close);
      close();
      release();
    }
  });
}

async function sendEvents(
  stream: ServerResponse,
  events: AsyncIterable<FolderEventLine>,
  closed: AbortSignal,
): Promise<void> {
  stream.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
  });
  stream.flushHeaders();
  const heartbeat = setInterval(() => stream.write(": still watching\n\n"), heartbeatIntervalMs);
  try {
    for await (const event of events) {
      if (closed.aborted) break;
      const data = event.type === "ready" ? {} : { folder: event.folder };
      stream.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    }
  } catch {
    // The orchestrator's stream broke: the page's EventSource reconnects and reads the folders again.
  } finally {
    clearInterval(heartbeat);
    stream.end();
  }
}
