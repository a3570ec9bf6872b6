import type { ServerResponse } from "node:http";
import { processRoutes } from "@director/contracts/manager-routes-sites";
import type { SiteLogs, SiteServiceStatus } from "@director/contracts/orchestrator-services";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { signalWhenClientGoes } from "@director/http-kit/client-gone";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import { ConnectionLimits } from "../../http/connection-limits.js";
import type { SitesService } from "./sites.service.js";

/** Where a dynamic site's process can be looked at (the orchestrator that runs it). */
export interface SiteProcessReader {
  serviceStatus(siteId: SiteId): Promise<SiteServiceStatus>;
  logs(siteId: SiteId, tailLines: number): Promise<SiteLogs>;
  followLogs(siteId: SiteId, tailLines: number, signal: AbortSignal): Promise<AsyncIterable<string>>;
}

/** A comment line every so often keeps proxies and browsers from closing a quiet log stream. */
const heartbeatIntervalMs = 15_000;
/** A followed log ends after this long; the browser's EventSource reconnects by itself. */
const followMaxDurationMs = 60 * 60 * 1000;

/** How many site logs may be followed at once (config logStreams). */
export interface LogStreamLimits {
  maxPerAccount: number;
  maxTotal: number;
}

/** A followed log holds a connection here, one to the orchestrator and one to Docker: each is counted. */
function logStreamLimits(limits: LogStreamLimits): ConnectionLimits {
  return new ConnectionLimits({ perAccount: limits.maxPerAccount, total: limits.maxTotal }, (kind) =>
    kind === "account"
      ? new DirectorError(
          "LOG_STREAM_LIMIT",
          `At most ${limits.maxPerAccount} site logs can be followed at once per account: close some log views.`,
          { details: { limit: "account", max: limits.maxPerAccount } },
        )
      : new DirectorError(
          "LOG_STREAM_LIMIT",
          `Director is following as many site logs as it allows (${limits.maxTotal}); try again in a minute.`,
          { details: { limit: "total", max: limits.maxTotal } },
        ),
  );
}

/**
 * GET /api/sites/:name/process (is it running, and if not, why), GET /api/sites/:name/logs?tailLines=N, and
 * GET /api/sites/:name/logs/events?tailLines=N: the same lines, then each new one live, as Server-Sent Events
 * (`event: line`, data `{"text": …}`; `event: end` when the process has none to give). Followed logs are limited per
 * account and in all (429 LOG_STREAM_LIMIT); one ends, upstream too, as soon as its client goes.
 */
export function registerSiteProcessRoutes(
  app: FastifyInstance,
  deps: { sites: SitesService; process: SiteProcessReader; logStreams: LogStreamLimits },
): void {
  const following = logStreamLimits(deps.logStreams);
  registerApiRoute(app, processRoutes.status, async ({ actor, params }) => {
    const site = await deps.sites.findForAction(actor, params.name, "view");
    if (site.type === "static") {
      return { state: "absent" as const, message: "A static site has no process: nginx serves its public/ files." };
    }
    return deps.process.serviceStatus(site.id);
  });

  registerApiRoute(app, processRoutes.logs, async ({ actor, params, query }) => {
    const site = await deps.sites.findForAction(actor, params.name, "view");
    if (site.type === "static") return { lines: [] };
    return deps.process.logs(site.id, query.tailLines);
  });

  registerApiRoute(app, processRoutes.followLogs, async ({ actor, params, query, request, reply }) => {
    // The caller was checked before this handler ran: a client that left meanwhile is already seen as gone here, and
    // its log is never followed for nobody.
    const closed = new AbortController();
    const clientGone = signalWhenClientGoes(reply.raw);
    const close = () => closed.abort();
    if (clientGone.aborted) close();
    else clientGone.addEventListener("abort", close, { once: true });
    const { name } = params;
    const { tailLines } = query;
    const release = following.take(actor.id);
    const deadline = setTimeout(close, followMaxDurationMs);
    try {
      const site = await deps.sites.findForAction(actor, name, "view");
      // A client gone meanwhile has nobody to answer (hijacked: Fastify must not try either), and nothing is opened.
      if (closed.signal.aborted) {
        reply.hijack();
        return;
      }
      // Opened before the answer starts: a failure here is an ordinary JSON error answer.
      let lines: AsyncIterable<string> | null = null;
      try {
        lines = site.type === "static" ? null : await deps.process.followLogs(site.id, tailLines, closed.signal);
      } catch (error) {
        if (!closed.signal.aborted) throw error;
        reply.hijack();
        return;
      }
      reply.hijack();
      await sendEvents(reply.raw, lines, closed.signal, request.log);
    } finally {
      // Whichever way it ended, the upstream stream (orchestrator, Docker) closes with it.
      clearTimeout(deadline);
      clientGone.removeEventListener("abort", close);
      close();
      release();
    }
  });
}

/** Writes a followed log as Server-Sent Events until it ends or `closed` aborts; then ends the answer. */
async function sendEvents(
  stream: ServerResponse,
  lines: AsyncIterable<string> | null,
  closed: AbortSignal,
  log: FastifyBaseLogger,
): Promise<void> {
  stream.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no", // nginx in front must not buffer the stream
  });
  // Headers now, not with the first line: a quiet process must not look like a component that does not answer.
  stream.flushHeaders();
  const heartbeat = setInterval(() => stream.write(": still following\n\n"), heartbeatIntervalMs);
  try {
    if (lines === null) {
      stream.write(`event: end\ndata: ${JSON.stringify({ reason: "A static site has no process." })}\n\n`);
      return;
    }
    for await (const text of lines) stream.write(`event: line\ndata: ${JSON.stringify({ text })}\n\n`);
    if (!closed.aborted) {
      stream.write(`event: end\ndata: ${JSON.stringify({ reason: "The site's process was removed." })}\n\n`);
    }
  } catch (error) {
    if (!closed.aborted) {
      log.warn({ err: error }, "following a site's log failed");
      stream.write(`event: error\ndata: ${JSON.stringify({ code: "COMPONENT_UNREACHABLE" })}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    stream.end();
  }
}
